"""The JSONL output file of a batch: append-only, fsynced per record, resumable.

A run may be killed at any byte, so a record is one ``write`` of one line followed by
fsync, finished work is never overwritten or duplicated, and resuming first cuts off the
torn line a kill leaves behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from stance.errors import ConfigError
from stance.schema import OutputRecord

__all__ = ["OutputFile", "atomic_write"]


class OutputFile:
    """An output path checked for a run; ``done`` holds the ids a resume skips.

    Error records do not count as done: resuming retries them, and they are dropped
    from the file first so that every id appears in it at most once.
    """

    def __init__(self, path: Path, *, resume: bool, inputs: Sequence[str] = ()) -> None:
        self.path = path
        self.done: set[str] = set()
        self.runs: set[tuple[str, str]] = set()  # (model, prompt hash) already in the file
        self._keep: list[bytes] = []  # complete extraction lines, kept on a rewrite
        self._keep_until = 0  # byte offset just after the last complete line
        self._drop = 0  # error records and blank lines to drop before appending
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()
        _check_path(path, inputs)
        if resume:
            self._read()
        elif path.exists() and path.stat().st_size > 0:
            raise ConfigError(
                f"{path} already exists and is not empty; use --resume to continue it, "
                "or choose another output path"
            )

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            msg = f"cannot read {self.path} to resume it: {exc.strerror or exc}"
            raise ConfigError(msg) from exc
        self._keep_until = data.rfind(b"\n") + 1
        for number, line in enumerate(data[: self._keep_until].split(b"\n")[:-1], start=1):
            record = _record_fields(line)
            if record is None and line.strip():
                raise ConfigError(
                    f"{self.path}:{number} is not a stance record, so the file cannot be "
                    "resumed; move it away or write to another -o path"
                )
            if record is None or record["record"] == "error":
                self._drop += 1
                continue
            self.done.add(record["article_id"])
            self._keep.append(line)
            provenance = record.get("provenance") or {}
            prompt = provenance.get("prompt") or {}
            self.runs.add((str(provenance.get("model")), str(prompt.get("hash"))))

    def check_same_run(self, model: str, prompt_hash: str) -> None:
        """Refuse to mix models or prompt versions in one output file."""
        other = sorted(run for run in self.runs if run != (model, prompt_hash))
        if other:
            raise ConfigError(
                f"{self.path} holds records from model {other[0][0]} with prompt "
                f"{other[0][1][:12]}; this run uses {model} with prompt {prompt_hash[:12]}. "
                "Resume with the same --model and --prompt, or write to another -o path"
            )

    def open(self) -> None:
        """Repair a resumed file (torn last line, records to redo), then open for append."""
        try:
            if self._drop:
                atomic_write(self.path, b"".join(line + b"\n" for line in self._keep))
            elif self.path.exists() and self._keep_until < self.path.stat().st_size:
                os.truncate(self.path, self._keep_until)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def append(self, record: OutputRecord) -> None:
        """One line in one write, flushed and fsynced: a kill loses no finished record.

        Thread-safe: batch workers append as their articles finish.
        """
        line = record.model_dump_json().encode("utf-8") + b"\n"
        with self._lock:
            assert self._file is not None, "open() first"
            self._file.write(line)
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        with self._lock:  # never while a worker is mid-append
            if self._file is not None:
                self._file.close()
                self._file = None


def _record_fields(line: bytes) -> dict[str, Any] | None:
    """The JSON object of an output line, or None when it is not a record."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    ok = isinstance(data, dict) and data.get("record") in {"extraction", "error"}
    return data if ok and isinstance(data.get("article_id"), str) else None


def _check_path(output: Path, inputs: Sequence[str]) -> None:
    """An output inside an input would be read back as articles by the next run."""
    if os.path.isdir(output):
        raise ConfigError(f"output {output} is a directory; give a .jsonl file path")
    real = Path(os.path.realpath(output))
    for raw in inputs:
        if raw == "-" or not raw.strip():
            continue
        source = Path(os.path.realpath(raw))
        if real == source or (os.path.isdir(source) and source in real.parents):
            raise ConfigError(f"output {output} is (inside) the input {raw}; write it elsewhere")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a kill leaves the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode of the file replaced, else
        # the usual 0644, so a report written for others can be read by them
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
