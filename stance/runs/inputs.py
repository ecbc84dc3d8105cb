"""Turn command-line inputs (files, directories, stdin) into articles.

A batch holds thousands of articles, so one bad input must never stop the run: every
problem becomes an ``InputFailure`` naming the input, and iteration goes on. Tables
(``table_inputs``) and saved pages (``html_inputs``) have readers of their own; their
articles are checked here like any other.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from stance.errors import InputError
from stance.runs.html_inputs import HTML_SUFFIXES, page_text
from stance.runs.table_inputs import TABLE_SUFFIXES, Columns, table_rows
from stance.runs.text_decoding import (
    DEFAULT_ENCODING,
    DEFAULT_MAX_CHARS,
    STDIN,
    TextRules,
    check_id,
    printable,
)
from stance.runs.text_decoding import clean_text as clean_text  # re-exported for gold and polnear
from stance.schema import Article

__all__ = ["SUPPORTED", "Columns", "InputFailure", "input_files", "iter_articles"]

SUPPORTED = (".txt", ".md", ".json", ".jsonl", *TABLE_SUFFIXES, *HTML_SUFFIXES)
_SUPPORTED_TEXT = ".txt, .md, .json, .jsonl, .parquet, .arrow, .feather or .html"
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
    inputs: Sequence[str],
    *,
    stdin: TextIO | None = None,
    encoding: str = DEFAULT_ENCODING,
    max_chars: int = DEFAULT_MAX_CHARS,
    columns: Columns | None = None,
) -> Iterator[Article | InputFailure]:
    """Yield articles from ``inputs`` in order, lazily; ``"-"`` reads ``stdin``.

    ``encoding`` and ``max_chars`` are checked now (ConfigError), before anything is
    read; ``max_chars`` bounds each article, not a JSONL file of many. ``columns`` names
    the text and id columns of parquet and Arrow files.
    """
    return _iter(inputs, stdin, TextRules.make(encoding, max_chars), columns or Columns())


def _iter(
    inputs: Sequence[str], stdin: TextIO | None, rules: TextRules, columns: Columns
) -> Iterator[Article | InputFailure]:
    """Ids must be unique within a run because outputs are keyed by them, so later
    occurrences of an id are failures rather than silent overwrites."""
    seen: dict[str, str] = {}
    stdin_read = False
    for raw in inputs:
        items: Iterator[_Item]
        if raw == "-":
            if stdin_read:
                yield InputFailure("stdin", STDIN, "'-' given more than once; stdin is read once")
                continue
            stdin_read = True
            items = _read_stdin(stdin if stdin is not None else sys.stdin, rules)
        else:
            items = _read_path(raw, rules, columns)
        for item in items:
            if isinstance(item, InputFailure):
                yield item
                continue
            article, where = item
            first = seen.get(article.id)
            if first is not None:
                msg = f"{where}: duplicate id {article.id!r} (first seen in {first})"
                # keyed by where it was found: the output keeps one record per id, and a
                # resume never mistakes this failure for the first article's record
                yield InputFailure(where, where, msg)
                continue
            seen[article.id] = where
            yield article


def input_files(inputs: Sequence[str]) -> Iterator[str | InputFailure]:
    """The files ``iter_articles`` would read, in its order, for engines that read each file
    elsewhere (a Ray task); a file's own problems are found when it is read."""
    for raw in inputs:
        if raw == "-":
            yield InputFailure("stdin", STDIN, "stdin cannot be shared out; give files instead")
        elif raw.strip() and os.path.isdir(raw):
            found = [entry for entry in _walk(Path(raw), set())]
            yield from (e if isinstance(e, InputFailure) else str(e) for e in found)
            if not any(isinstance(e, Path) for e in found):
                msg = f"{raw}: directory has no {_SUPPORTED_TEXT} files (hidden ones are skipped)"
                yield InputFailure(Path(raw).name or raw, raw, msg)
        else:
            yield raw


def _read_path(raw: str, rules: TextRules, columns: Columns) -> Iterator[_Item]:
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
                yield from _read_file(entry, rules, columns)
        if not found:
            msg = f"{raw}: directory has no {_SUPPORTED_TEXT} files (hidden ones are skipped)"
            yield InputFailure(path.name or raw, raw, msg)
    elif path.suffix.lower() not in SUPPORTED and os.path.exists(path):
        kind = repr(path.suffix) if path.suffix else "(no extension)"
        msg = f"{raw}: unsupported file type {kind}; stance reads {_SUPPORTED_TEXT} files"
        yield InputFailure(path.name, raw, msg)
    else:  # missing files, broken links and link loops are reported by _read_file
        yield from _read_file(path, rules, columns)


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
        elif Path(entry.name).suffix.lower() in SUPPORTED:
            yield Path(entry.path)  # broken links, loops and pipes are reported when read


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe, which would wait for a writer",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _read_file(path: Path, rules: TextRules, columns: Columns) -> Iterator[_Item]:
    """Read one supported file; a .txt/.md/.html file is one article, JSON files and
    tables hold records.

    The file is looked at (stat) before it is opened: a pipe is never opened, so it cannot
    hang the batch, and a .txt too large for ``max_chars`` is refused unread."""
    where = str(path)
    suffix = path.suffix.lower()
    single = suffix in (".txt", ".md", *HTML_SUFFIXES)
    fallback_id = printable(path.stem if single else path.name)
    title = date = None
    try:
        info = os.stat(path)
        kind = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode))
        if kind is not None:
            raise InputError(f"{where}: not a regular file ({kind}); save it to a file first")
        if suffix in TABLE_SUFFIXES:
            yield from _table_records(path, columns, rules)
            return
        if suffix in HTML_SUFFIXES:
            page = page_text(path.read_bytes(), where)
            text, title, date = page.text, page.title, page.date
        else:
            if single:
                rules.check_size(info.st_size, where)
            text = rules.decode(path.read_bytes(), where)
        article_id = path.stem.strip()
        if single:
            rules.check_length(text, where)
            if not article_id:
                raise InputError(f"{where}: file name gives an empty id")
            check_id(article_id, where)
    except InputError as exc:
        yield InputFailure(fallback_id, where, str(exc))
        return
    except OSError as exc:
        yield InputFailure(fallback_id, where, _os_message(exc, path))
        return
    if suffix == ".json":
        yield from _json_records(text, where, path.stem, rules)
    elif suffix == ".jsonl":
        yield from _jsonl_records(text, where, path.stem, rules)
    else:
        yield Article(id=article_id, text=text, title=title, date=date, source=where), where


def _table_records(path: Path, columns: Columns, rules: TextRules) -> Iterator[_Item]:
    """Rows of a parquet or Arrow file, each checked like a JSONL record (``path:ROW``)."""
    for row, obj in enumerate(table_rows(path, columns), start=1):
        yield _record(obj, row, path.stem, str(path), row, rules)


def _os_message(exc: OSError, path: Path) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{path}: {'is a broken symbolic link' if path.is_symlink() else 'does not exist'}"
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied; make the file readable (e.g. chmod +r)"
    if exc.errno == errno.ELOOP:
        return f"{path}: is a symbolic link loop (it never reaches a file); fix or remove it"
    return f"{path}: cannot read ({exc.strerror or exc})"


def _read_stdin(stream: TextIO | None, rules: TextRules) -> Iterator[_Item]:
    """Stdin is JSONL when every non-empty line starts with '{', else one text article."""
    closed = f"{STDIN}: stdin is closed; pipe the articles in, or give files instead of '-'"
    if stream is None:  # the process was started with stdin closed
        yield InputFailure("stdin", STDIN, closed)
        return
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            text = rules.decode(buffer.read(), STDIN)
        else:
            text = clean_text(stream.read())
            if not text.strip():
                raise InputError(f"{STDIN}: no text on stdin")
    except InputError as exc:
        yield InputFailure("stdin", STDIN, str(exc))
        return
    except UnicodeDecodeError as exc:  # a text stream with no bytes underneath
        yield InputFailure(
            "stdin", STDIN, f"{STDIN}: not valid text ({exc.reason}); see --encoding"
        )
        return
    except ValueError:  # the stream object was closed
        yield InputFailure("stdin", STDIN, closed)
        return
    except OSError as exc:  # EBADF: descriptor 0 was closed under the stream
        shut = exc.errno == errno.EBADF
        message = closed if shut else f"{STDIN}: cannot read ({exc.strerror or exc})"
        yield InputFailure("stdin", STDIN, message)
        return
    if all(line.lstrip().startswith("{") for line in text.split("\n") if line.strip()):
        yield from _jsonl_records(text, STDIN, "stdin", rules)
        return
    try:
        rules.check_length(text, STDIN)
    except InputError as exc:
        yield InputFailure("stdin", STDIN, str(exc))
        return
    yield Article(id="stdin", text=text, source=STDIN), STDIN


def _json_records(text: str, where: str, stem: str, rules: TextRules) -> Iterator[_Item]:
    """A .json file: one object or a list of them; each element's line is found by
    decoding the list piece by piece, so failures can point at it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        yield InputFailure(Path(where).name, where, msg)
        return
    if not isinstance(data, list):
        yield _record(data, 1, stem, where, text.count("\n", 0, _skip(text, 0)) + 1, rules)
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
        yield _record(obj, n, stem, where, line, rules)
        pos = _skip(text, end) + 1  # past the ',' (or the closing ']')


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _jsonl_records(text: str, where: str, stem: str, rules: TextRules) -> Iterator[_Item]:
    """One record per line; a bad line is a failure and the lines after it still count.

    Lines are split on '\\n' only: str.splitlines would also split on U+2028 and
    friends, which are legal unescaped inside JSON strings."""
    n = 0
    lines = text.split("\n")
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        n += 1
        at = f"{where}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(at, at, _bad_line(exc, at, lineno == len(lines)))
            continue
        yield _record(obj, n, stem, where, lineno, rules)


def _bad_line(exc: json.JSONDecodeError, at: str, last: bool) -> str:
    """A last line without its newline that stops mid-object was cut off (a producer
    killed mid-write, a truncated copy), which is worth saying: the data is incomplete."""
    cut = exc.msg.startswith("Unterminated") or exc.pos >= len(exc.doc.rstrip())
    if last and cut:
        return (
            f"{at}: input ended mid-record (the last line stops before its JSON object "
            "ends); the complete lines before it were read"
        )
    return (
        f"{at}: not valid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object"
    )


def _record(obj: Any, n: int, stem: str, where: str, lineno: int, rules: TextRules) -> _Item:
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
        try:
            check_id(article_id, at)
        except InputError as exc:  # the id itself is unusable, so the failure is keyed by line
            return InputFailure(at, at, str(exc))
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
    text = clean_text(text)
    try:
        rules.check_length(text, at)
    except InputError as exc:
        return InputFailure(article_id, at, str(exc))
    return Article(id=article_id, text=text, **fields), at


def _kind(value: Any) -> str:
    """JSON's name for a value's type, as the user wrote it."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
