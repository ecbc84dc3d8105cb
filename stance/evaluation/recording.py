"""Recorded model responses: a reviewable JSONL file that lets an eval replay with no model.

A recording holds cache rows (key, model, prompt hash, response JSON, tokens, latency). Replay
loads it into a throwaway SQLite cache and runs the client offline, so any change to the prompt,
the article or the model changes a key and fails loudly instead of calling a model.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stance.errors import InputError
from stance.llm.response_cache import ROW_FIELDS, ResponseCache
from stance.runs.output import atomic_write

__all__ = [
    "Row",
    "read_recording",
    "replay_cache",
    "save_recording",
]

Row = dict[str, object]


def read_recording(path: Path) -> list[Row]:
    """The rows of a recording file; a clear error when it is missing or damaged."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"recording {path} cannot be read: {exc}") from exc
    rows: list[Row] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"recording {path}, line {n}: not JSON ({exc})") from exc
        if not isinstance(row, dict) or not {"key", "content"} <= row.keys():
            raise InputError(f"recording {path}, line {n}: not a recorded response")
        rows.append(row)
    return rows


@contextmanager
def replay_cache(path: Path | None) -> Iterator[ResponseCache]:
    """A temporary cache holding exactly the recorded responses (none without a recording);
    removed afterwards."""
    rows = read_recording(path) if path is not None else []
    directory = tempfile.mkdtemp(prefix="stance-replay-")
    cache = ResponseCache(Path(directory) / "replay.sqlite")
    try:
        cache.load(rows)
        yield cache
    finally:
        cache.close()
        shutil.rmtree(directory, ignore_errors=True)


def save_recording(path: Path, cache: ResponseCache, keys: Iterable[str]) -> int:
    """Write the responses behind ``keys`` into ``path``, atomically.

    Rows already in the file for other models or prompts are kept; rows for the same model and
    prompt hash that this run did not use are dropped as stale. Returns rows written for the run.
    """
    fresh = cache.export(keys)
    configs = {(row["model"], row["prompt_hash"]) for row in fresh}
    kept = [
        row
        for row in (read_recording(path) if path.exists() else [])
        if (row.get("model"), row.get("prompt_hash")) not in configs
    ]
    rows = sorted(
        kept + fresh, key=lambda r: (str(r.get("model")), str(r.get("prompt_hash")), str(r["key"]))
    )
    lines = [json.dumps({f: row.get(f) for f in ROW_FIELDS}, ensure_ascii=False) for row in rows]
    atomic_write(path, ("\n".join(lines) + "\n" if lines else "").encode("utf-8"))
    return len(fresh)
