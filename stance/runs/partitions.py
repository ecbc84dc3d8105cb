"""Output as a directory of partitions (``part-00000.jsonl`` or ``.parquet``), for Ray runs.

A cluster job writes millions of records; one file appended record by record would make
the driver's disk the bottleneck and a single huge file awkward for Spark, DuckDB or Ray to
read back. Each batch of finished records becomes one partition, written whole to a
temporary name and renamed, so a kill leaves every partition either complete or absent.
A JSONL partition holds the same lines as ``-o out.jsonl``; a parquet partition holds one
row per record: ``article_id``, ``record`` (extraction or error) and ``json``, the same line.

Resuming reads the ids of every extraction already written and skips them; error records
are retried, so partitions holding any are rewritten without them first (whole, atomically),
and every id stays in the directory at most once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stance.errors import ConfigError
from stance.runs.output import atomic_write

__all__ = ["FORMATS", "PartitionDir", "read_partition"]

FORMATS = ("jsonl", "parquet")
_PART = re.compile(r"^part-(\d{5,})\.(jsonl|parquet)$")

Row = tuple[str, str, str]  # article_id, record kind, the record's JSON line


class PartitionDir:
    """A partition directory checked for a run; ``done`` holds the ids a resume skips."""

    def __init__(self, path: Path, *, fmt: str, resume: bool, inputs: Sequence[str] = ()) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"--partition-format must be jsonl or parquet, not {fmt!r}")
        if path.exists() and not path.is_dir():
            raise ConfigError(f"output {path} is a file; partitions go to a directory")
        for raw in inputs:
            if raw != "-" and raw.strip():
                source = Path(os.path.realpath(raw))
                real = Path(os.path.realpath(path))
                if real == source or source in real.parents or real in source.parents:
                    raise ConfigError(f"output {path} overlaps the input {raw}; write elsewhere")
        self.path = path
        self.fmt = fmt
        self.done: set[str] = set()
        self.runs: set[tuple[str, str]] = set()
        self._rewrite: dict[Path, list[Row]] = {}
        parts = sorted(self._parts())
        self._next = max((int(_PART.match(p.name).group(1)) for p in parts), default=-1) + 1  # type: ignore[union-attr]
        if parts and not resume:
            raise ConfigError(
                f"{path} already holds partitions; use --resume to continue it, "
                "or choose another output directory"
            )
        for part in parts:
            self._read(part)

    def _parts(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return [p for p in self.path.iterdir() if _PART.match(p.name)]

    def _read(self, part: Path) -> None:
        try:
            rows = read_partition(part)
        except Exception as exc:
            raise ConfigError(
                f"{part} is not a readable stance partition ({exc}); move it away to resume"
            ) from exc
        keep = [row for row in rows if row[1] != "error"]
        if len(keep) != len(rows):
            self._rewrite[part] = keep
        for article_id, _, line in keep:
            self.done.add(article_id)
            provenance = json.loads(line).get("provenance") or {}
            prompt = provenance.get("prompt") or {}
            self.runs.add((str(provenance.get("model")), str(prompt.get("hash"))))

    def check_same_run(self, model: str, prompt_hash: str) -> None:
        """Refuse to mix models or prompt versions in one output directory."""
        other = sorted(run for run in self.runs if run != (model, prompt_hash))
        if other:
            raise ConfigError(
                f"{self.path} holds records from model {other[0][0]} with prompt "
                f"{other[0][1][:12]}; this run uses {model} with prompt {prompt_hash[:12]}. "
                "Resume with the same --model and --prompt, or write to another directory"
            )

    def open(self) -> None:
        """Create the directory; drop the error records a resume retries."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for part, rows in self._rewrite.items():
                if rows:
                    _write(part, rows)
                else:
                    part.unlink()
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def write(self, rows: list[Row]) -> Path | None:
        """One new partition holding ``rows``, complete or absent after a kill."""
        if not rows:
            return None
        part = self.path / f"part-{self._next:05d}.{self.fmt}"
        self._next += 1
        _write(part, rows)
        return part

    def close(self) -> None:
        """Nothing stays open between partitions."""


def read_partition(part: Path) -> list[Row]:
    """The (article_id, kind, JSON line) rows of one partition file."""
    if part.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(part, columns=["article_id", "record", "json"])
        return list(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    rows = []
    for line in part.read_text(encoding="utf-8").splitlines():
        data: dict[str, Any] = json.loads(line)
        rows.append((str(data["article_id"]), str(data["record"]), line))
    return rows


def _write(part: Path, rows: list[Row]) -> None:
    if part.suffix == ".parquet":
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        names = ("article_id", "record", "json")
        table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        atomic_write(part, buffer.getvalue())
    else:
        atomic_write(part, "".join(line + "\n" for _, _, line in rows).encode("utf-8"))
