"""The manifest beside a prepared batch, and the custom_ids that tie results back to it.

A results file holds only custom_ids and model answers; the article texts, the run's
model, prompt and parameters live in ``<requests>.manifest.jsonl``: a header line, one
line per article (or per unreadable input), and an ``end`` line written last, so a
manifest cut short by a killed ``prepare`` is refused instead of silently missing articles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from stance.errors import ConfigError
from stance.schema import Article, PromptInfo

__all__ = [
    "URL",
    "ArticleEntry",
    "End",
    "FailureEntry",
    "Header",
    "ResponseFormat",
    "check_complete",
    "custom_id",
    "dump",
    "find_manifest",
    "manifest_path_for",
    "parse_custom_id",
    "read_entries",
    "read_header",
]

URL = "/v1/chat/completions"
ResponseFormat = Literal["json_schema", "llama"]
_CUSTOM_ID = re.compile(r"^stance:([0-9a-f]{12}):(\d+):(\d+)$")


def custom_id(batch_id: str, number: int, segment: int) -> str:
    """``stance:<batch id>:<article number>:<segment index>``: never holds the article id,
    which may contain any character, and names the batch so foreign results are caught."""
    return f"stance:{batch_id}:{number}:{segment}"


def parse_custom_id(value: str) -> tuple[str, int, int] | None:
    """(batch id, article number, segment index), or None for a custom_id not made here."""
    match = _CUSTOM_ID.match(value)
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else None


def manifest_path_for(requests: Path) -> Path:
    """``requests.jsonl`` -> ``requests.manifest.jsonl``, in the same folder."""
    stem = requests.name.removesuffix(".jsonl")
    return requests.with_name(f"{stem}.manifest.jsonl")


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Header(_Line):
    """What every request of the batch shares; what collect puts in each provenance."""

    entry: Literal["header"] = "header"
    format: Literal["stance-batch/1"] = "stance-batch/1"
    batch_id: str
    model: str
    request_model: str
    endpoint: str | None = None
    parameters: dict[str, Any]
    prompt: PromptInfo
    schema_version: str
    stance_version: str
    response_format: ResponseFormat
    # "text": the speakers named earlier are read from the text, not from earlier answers
    context: Literal["none", "text"] = "text"
    validation_retries: int
    created_at: datetime


class ArticleEntry(_Line):
    """One article, with the segments that got a request (custom_id = number + segment)."""

    entry: Literal["article"] = "article"
    number: int
    article: Article
    segments: list[int]
    spans: list[tuple[int, int]]  # of those segments: collect checks it splits the same way

    def custom_ids(self, batch_id: str) -> list[str]:
        return [custom_id(batch_id, self.number, s) for s in self.segments]


class FailureEntry(_Line):
    """An input that gave no article: collect writes it as an error record."""

    entry: Literal["failure"] = "failure"
    article_id: str
    source: str
    message: str


class End(_Line):
    """Written last: the manifest is complete, and these are its request files."""

    entry: Literal["end"] = "end"
    requests: list[str]  # file names, in the manifest's folder
    articles: int
    request_count: int


def dump(line: _Line) -> bytes:
    return line.model_dump_json().encode("utf-8") + b"\n"


def read_header(path: Path) -> Header:
    """The first line of a manifest; ConfigError when it is not one."""
    try:
        with path.open("rb") as f:
            first = f.readline()
    except OSError as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc.strerror or exc}") from exc
    try:
        return Header.model_validate_json(first)
    except ValidationError as exc:
        raise ConfigError(f"{path} is not a stance batch manifest (first line)") from exc


def check_complete(path: Path) -> End:
    """The end line, read from the file's tail before any record is written."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, 2) - 65536))
            tail = f.read().rstrip(b"\n").rpartition(b"\n")[2]
        return End.model_validate_json(tail)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path} has no end line: `stance batch prepare` was interrupted; prepare again"
        ) from exc


def read_entries(path: Path) -> Iterator[ArticleEntry | FailureEntry]:
    """The article and failure lines, lazily; a missing end line is an error at the end."""
    ended = False
    with path.open("rb") as f:
        f.readline()  # the header
        for number, raw in enumerate(f, start=2):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                kind = data.get("entry") if isinstance(data, dict) else None
                if kind == "end":
                    End.model_validate(data)
                    ended = True
                    continue
                if kind == "article":
                    yield ArticleEntry.model_validate(data)
                    continue
                yield FailureEntry.model_validate(data)
            except (ValueError, AttributeError) as exc:
                raise ConfigError(f"{path}:{number}: not a manifest line: {exc}") from exc
    if not ended:
        raise ConfigError(
            f"{path} has no end line: `stance batch prepare` was interrupted; prepare again"
        )


def find_manifest(results: Sequence[Path], batch_id: str) -> Path:
    """The manifest of ``batch_id`` beside a results file or in the current folder."""
    folders = dict.fromkeys([*(p.parent for p in results), Path(".")])
    looked: list[str] = []
    for folder in folders:
        for candidate in sorted(folder.glob("*.manifest.jsonl")):
            looked.append(str(candidate))
            try:
                if read_header(candidate).batch_id == batch_id:
                    return candidate
            except ConfigError:
                continue
    where = ", ".join(str(f) for f in folders)
    raise ConfigError(
        f"no manifest of batch {batch_id} in {where} (looked at {len(looked)} "
        "*.manifest.jsonl files); pass the one `stance batch prepare` wrote with --manifest"
    )
