"""Turn command-line inputs (files, directories, stdin) into articles.

A batch holds thousands of articles, so one bad input must never stop the run: every
problem becomes an ``InputFailure`` naming the input, and iteration goes on.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from stance.schema import Article

SUPPORTED = (".txt", ".md", ".json", ".jsonl")
STDIN = "<stdin>"
_SUPPORTED_TEXT = ".txt, .md, .json or .jsonl"
_WS = re.compile(r"\s*")


@dataclass(frozen=True)
class InputFailure:
    """An input that gave no article; reported like an article error, never raised."""

    article_id: str
    source: str
    message: str


# An article with the place it came from (path, or path:line), for duplicate reports.
_Item = tuple[Article, str] | InputFailure


def iter_articles(
    inputs: Sequence[str], *, stdin: TextIO | None = None
) -> Iterator[Article | InputFailure]:
    """Yield articles from ``inputs`` in order, lazily; ``"-"`` reads ``stdin``.

    Ids must be unique within a run because outputs are keyed by them, so later
    occurrences of an id are failures rather than silent overwrites.
    """
    seen: dict[str, str] = {}
    stdin_read = False
    for raw in inputs:
        items: Iterator[_Item]
        if raw == "-":
            if stdin_read:
                yield InputFailure("stdin", STDIN, "'-' given more than once; stdin is read once")
                continue
            stdin_read = True
            items = _read_stdin(stdin if stdin is not None else sys.stdin)
        else:
            items = _read_path(raw)
        for item in items:
            if isinstance(item, InputFailure):
                yield item
                continue
            article, where = item
            first = seen.get(article.id)
            if first is not None:
                msg = f"{where}: duplicate id {article.id!r} (first seen in {first})"
                yield InputFailure(article.id, where, msg)
                continue
            seen[article.id] = where
            yield article


def _read_path(raw: str) -> Iterator[_Item]:
    """One command-line path: a directory is walked, a file must have a known extension."""
    path = Path(raw)
    if not raw.strip():
        yield InputFailure("(empty)", raw, "empty path given; expected a file, directory or '-'")
    elif os.path.isdir(path):  # os.path never raises, unlike Path.is_dir on EACCES
        found = False
        for entry in _walk(path, set()):
            if isinstance(entry, InputFailure):
                yield entry
            else:
                found = True
                yield from _read_file(entry)
        if not found:
            msg = f"{raw}: directory has no {_SUPPORTED_TEXT} files (hidden ones are skipped)"
            yield InputFailure(path.name or raw, raw, msg)
    elif path.suffix.lower() not in SUPPORTED and os.path.lexists(path):
        kind = repr(path.suffix) if path.suffix else "(no extension)"
        msg = f"{raw}: unsupported file type {kind}; stance reads {_SUPPORTED_TEXT} files"
        yield InputFailure(path.name, raw, msg)
    else:
        yield from _read_file(path)


def _walk(directory: Path, visited: set[str]) -> Iterator[Path | InputFailure]:
    """Supported files under ``directory``, sorted; hidden entries are skipped and real
    paths are tracked so that symlink loops end instead of recursing forever."""
    real = os.path.realpath(directory)
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        msg = f"{directory}: cannot list directory ({exc.strerror or exc})"
        yield InputFailure(directory.name, str(directory), msg)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if os.path.isdir(entry.path):
            yield from _walk(Path(entry.path), visited)
        elif Path(entry.name).suffix.lower() in SUPPORTED and (
            entry.is_file() or entry.is_symlink()  # a broken link is reported when read
        ):
            yield Path(entry.path)


def _read_file(path: Path) -> Iterator[_Item]:
    """Read one supported file; a .txt/.md file is one article, JSON files hold records."""
    where = str(path)
    suffix = path.suffix.lower()
    fallback_id = path.stem if suffix in (".txt", ".md") else path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        what = "is a broken symbolic link" if path.is_symlink() else "does not exist"
        yield InputFailure(fallback_id, where, f"{where}: {what}")
        return
    except PermissionError:
        msg = f"{where}: permission denied; make the file readable (e.g. chmod +r)"
        yield InputFailure(fallback_id, where, msg)
        return
    except OSError as exc:
        yield InputFailure(fallback_id, where, f"{where}: cannot read ({exc.strerror or exc})")
        return
    text = _decode(data, where, fallback_id)
    if isinstance(text, InputFailure):
        yield text
    elif suffix == ".json":
        yield from _json_records(text, where, path.stem)
    elif suffix == ".jsonl":
        yield from _jsonl_records(text, where, path.stem)
    else:
        article_id = path.stem.strip()
        if not article_id:
            yield InputFailure(where, where, f"{where}: file name gives an empty id")
        else:
            yield Article(id=article_id, text=text, source=where), where


def _read_stdin(stream: TextIO) -> Iterator[_Item]:
    """Stdin is JSONL when every non-empty line starts with '{', else one text article."""
    buffer = getattr(stream, "buffer", None)
    try:
        text = (
            _decode(buffer.read(), STDIN, "stdin")
            if buffer is not None
            else clean_text(stream.read())
        )
    except (OSError, UnicodeDecodeError) as exc:
        yield InputFailure("stdin", STDIN, f"{STDIN}: cannot read ({exc})")
        return
    if isinstance(text, InputFailure):
        yield text
    elif not text.strip():
        yield InputFailure("stdin", STDIN, f"{STDIN}: no text on stdin")
    elif all(line.lstrip().startswith("{") for line in text.split("\n") if line.strip()):
        yield from _jsonl_records(text, STDIN, "stdin")
    else:
        yield Article(id="stdin", text=text, source=STDIN), STDIN


def clean_text(text: str) -> str:
    """Drop a BOM and normalise line endings: the stored text is what offsets refer to."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, where: str, article_id: str) -> str | InputFailure:
    """Decode UTF-8 with messages that say how to fix the file, not just that it failed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = f"{where}: text is UTF-16, expected UTF-8; convert it with iconv -f UTF-16 -t UTF-8"
        return InputFailure(article_id, where, msg)
    if b"\x00" in data:
        msg = f"{where}: binary file (contains NUL bytes); expected UTF-8 text"
        return InputFailure(article_id, where, msg)
    try:
        text = clean_text(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        fix = (
            "pipe it through iconv -f LATIN1 -t UTF-8"
            if where == STDIN
            else f"convert it, e.g. iconv -f LATIN1 -t UTF-8 {where} > fixed{Path(where).suffix}"
        )
        byte = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        msg = f"{where}: not valid UTF-8 ({byte}); {fix}"
        return InputFailure(article_id, where, msg)
    if not text.strip():
        what = "is empty" if not text else "contains only whitespace"
        return InputFailure(article_id, where, f"{where}: {what}; expected article text")
    return text


def _json_records(text: str, where: str, stem: str) -> Iterator[_Item]:
    """A .json file: one object or a list of them; each element's line is found by
    decoding the list piece by piece, so failures can point at it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        yield InputFailure(Path(where).name, where, msg)
        return
    if not isinstance(data, list):
        yield _record(data, 1, stem, where, text.count("\n", 0, _skip(text, 0)) + 1)
        return
    if not data:
        yield InputFailure(Path(where).name, where, f"{where}: empty list; expected articles")
        return
    decoder = json.JSONDecoder()
    pos, line, counted = _skip(text, 0) + 1, 1, 0
    for n in range(1, len(data) + 1):
        start = _skip(text, pos)
        line, counted = line + text.count("\n", counted, start), start
        obj, end = decoder.raw_decode(text, start)
        yield _record(obj, n, stem, where, line)
        pos = _skip(text, end) + 1  # past the ',' (or the closing ']')


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _jsonl_records(text: str, where: str, stem: str) -> Iterator[_Item]:
    """One record per line; a bad line is a failure and the lines after it still count.

    Lines are split on '\\n' only: str.splitlines would also split on U+2028 and
    friends, which are legal unescaped inside JSON strings."""
    n = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        n += 1
        at = f"{where}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = (
                f"{at}: not valid JSON ({exc.msg} at column {exc.colno}); "
                "each line must be one JSON object"
            )
            yield InputFailure(at, at, msg)
            continue
        yield _record(obj, n, stem, where, lineno)


def _record(obj: Any, n: int, stem: str, where: str, lineno: int) -> _Item:
    """Validate record ``n`` (at ``where``, line ``lineno``) into an article."""
    at = f"{where}:{lineno}"
    if not isinstance(obj, dict):
        msg = f"{at}: expected a JSON object with 'id' and 'text', got {_kind(obj)}"
        return InputFailure(at, at, msg)
    raw_id = obj.get("id")
    if raw_id is None:
        article_id = f"{stem}-{n}"
    elif isinstance(raw_id, str) or (isinstance(raw_id, int) and not isinstance(raw_id, bool)):
        article_id = str(raw_id).strip()
        if not article_id:
            return InputFailure(at, at, f"{at}: 'id' is empty; give a non-empty id or omit it")
    else:
        return InputFailure(at, at, f"{at}: 'id' must be a string or integer, got {_kind(raw_id)}")
    text = obj.get("text")
    if not isinstance(text, str):
        got = "no 'text' field" if text is None else f"'text' is {_kind(text)}"
        return InputFailure(article_id, at, f"{at}: {got}; expected a non-empty string 'text'")
    if not text.strip():
        return InputFailure(article_id, at, f"{at}: 'text' is empty; expected article text")
    fields: dict[str, str | None] = {}
    for key in ("title", "date", "source"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            msg = f"{at}: {key!r} must be a string, got {_kind(value)}"
            return InputFailure(article_id, at, msg)
        fields[key] = value
    fields["source"] = fields["source"] or where
    return Article(id=article_id, text=clean_text(text), **fields), at


def _kind(value: Any) -> str:
    """JSON's name for a value's type, as the user wrote it."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
