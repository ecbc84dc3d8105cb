"""``stance batch prepare``: articles in, OpenAI Batch API request lines and a manifest out.

Each request body is captured from the live path's own request construction (the
StructuredClient and instructor, with the client's model, parameters and response
format), so a batch asks exactly what ``stance extract`` asks for the same paragraph.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from stance.batchfile.context import with_context
from stance.batchfile.manifest import (
    URL,
    ArticleEntry,
    End,
    FailureEntry,
    Header,
    ResponseFormat,
    custom_id,
    dump,
    manifest_path_for,
)
from stance.errors import ConfigError
from stance.llm.client import StructuredClient, adapt_response_format
from stance.reading.ask.answers import ParagraphAnswer
from stance.reading.extractor import Extractor, stance_version
from stance.reading.find.segments import split_segments
from stance.runs.inputs import InputFailure, iter_articles
from stance.runs.text_decoding import DEFAULT_ENCODING, DEFAULT_MAX_CHARS
from stance.schema import SCHEMA_VERSION

__all__ = [
    "MAX_BYTES",
    "MAX_REQUESTS",
    "PrepareSummary",
    "RequestBuilder",
    "prepare_batch",
]

# OpenAI's Batch API takes at most 50,000 requests and 200 MB per input file.
MAX_REQUESTS = 50_000
MAX_BYTES = 190_000_000


@dataclass
class PrepareSummary:
    batch_id: str
    articles: int = 0
    failed_inputs: int = 0
    requests: int = 0
    files: list[Path] = field(default_factory=list)
    manifest: Path | None = None

    def render(self) -> str:
        files = ", ".join(str(f) for f in self.files) or "no request file"
        text = (
            f"batch {self.batch_id}: {_n(self.requests, 'request')} for "
            f"{_n(self.articles, 'article')} in {files}; manifest {self.manifest}."
        )
        if self.failed_inputs:
            text += f" {_n(self.failed_inputs, 'unreadable input')} (error records at collect)."
        return text


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class RequestBuilder:
    """Request bodies as the live client would send them, captured instead of sent."""

    def __init__(self, client: StructuredClient, response_format: ResponseFormat) -> None:
        self._body: dict[str, Any] = {}
        self._client = StructuredClient(
            adapt_response_format(self._capture, response_format),
            model_id=client.model_id,
            request_model=client.request_model,
            parameters=client.parameters,
            validation_retries=client.validation_retries,
            endpoint=client.endpoint,
        )

    def _capture(self, **kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        self._body = json.loads(json.dumps(kwargs))  # plain JSON, as it goes on the wire
        message = {"role": "assistant", "content": '{"claims": []}'}
        return ChatCompletion.model_validate(
            {"id": "capture", "object": "chat.completion", "created": 0, "model": "capture",
             "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
        )  # fmt: skip

    def body(self, messages: list[dict[str, str]], prompt_hash: str) -> dict[str, Any]:
        self._client.ask(messages, ParagraphAnswer, prompt_hash=prompt_hash)
        return self._body


class _Parts:
    """Request files, starting a new part before a line would exceed a limit."""

    def __init__(self, first: Path, max_requests: int, max_bytes: int) -> None:
        self.first, self.max_requests, self.max_bytes = first, max_requests, max_bytes
        self.paths: list[Path] = []
        self._file: IO[bytes] | None = None
        self._lines = self._bytes = 0

    def _name(self, part: int) -> Path:
        stem = self.first.name.removesuffix(".jsonl")
        return self.first if part == 1 else self.first.with_name(f"{stem}.part{part}.jsonl")

    def write(self, line: bytes) -> None:
        full = self._lines >= self.max_requests or self._bytes + len(line) > self.max_bytes
        if self._file is None or (full and self._lines):
            self.close()
            self.paths.append(self._name(len(self.paths) + 1))
            self._file = _tmp(self.paths[-1]).open("wb")
            self._lines = self._bytes = 0
        self._file.write(line)
        self._lines += 1
        self._bytes += len(line)

    def ensure_one(self) -> None:
        """An article set with nothing to read still gets its (empty) requests file."""
        if not self.paths:
            self.paths.append(self.first)
            self._file = _tmp(self.first).open("wb")

    def stale(self) -> list[Path]:
        """Parts left by an earlier, longer prepare to the same name."""
        stem = self.first.name.removesuffix(".jsonl")
        return sorted(self.first.parent.glob(f"{stem}.part*.jsonl"))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def prepare_batch(
    inputs: Sequence[str],
    extractor: Extractor,
    output: Path,
    *,
    response_format: ResponseFormat,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
    force: bool = False,
    on_failure: Callable[[InputFailure], None] | None = None,
    encoding: str = DEFAULT_ENCODING,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> PrepareSummary:
    """Write ``output`` (and ``output.partN.jsonl`` past the limits) and its manifest.

    Files are written under temporary names and renamed at the end, manifest last: a
    killed prepare leaves no half batch behind a real name.
    """
    manifest = manifest_path_for(output)
    if output.suffix != ".jsonl":
        raise ConfigError(f"requests file {output} must end in .jsonl")
    for path in (output, manifest):
        if path.exists() and not force:
            raise ConfigError(f"{path} already exists; use --force to replace it")
    client = extractor.client
    if not isinstance(client, StructuredClient):  # requests are captured from its encoding
        raise ConfigError("batch prepare needs an extractor made by stance.api.build_extractor")
    batch_id = uuid.uuid4().hex[:12]
    header = Header(
        batch_id=batch_id, model=client.model_id, request_model=client.request_model,
        endpoint=client.endpoint, parameters=client.parameters, prompt=extractor.prompt.info,
        schema_version=SCHEMA_VERSION, stance_version=stance_version(),
        response_format=response_format, validation_retries=client.validation_retries,
        created_at=datetime.now(timezone.utc),
    )  # fmt: skip
    builder = RequestBuilder(client, response_format)
    summary = PrepareSummary(batch_id=batch_id, manifest=manifest)
    parts = _Parts(output, max_requests, max_bytes)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _tmp(manifest).open("wb") as entries:
            entries.write(dump(header))
            for item in iter_articles(inputs, encoding=encoding, max_chars=max_chars):
                if isinstance(item, InputFailure):
                    summary.failed_inputs += 1
                    if on_failure is not None:
                        on_failure(item)
                    failure = FailureEntry(
                        article_id=item.article_id, source=item.source, message=item.message
                    )
                    entries.write(dump(failure))
                    continue
                summary.articles += 1
                read = []
                for segment, registry in with_context(split_segments(item.text)):
                    if not extractor.reads(segment):
                        continue
                    read.append(segment)
                    messages = extractor.messages_for(segment, registry)
                    body = builder.body(messages, extractor.prompt.sha256)
                    line = {
                        "custom_id": custom_id(batch_id, summary.articles, segment.index),
                        "method": "POST", "url": URL, "body": body,
                    }  # fmt: skip
                    parts.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
                    summary.requests += 1
                entry = ArticleEntry(
                    number=summary.articles, article=item, segments=[s.index for s in read],
                    spans=[(s.span.start, s.span.end) for s in read],
                )  # fmt: skip
                entries.write(dump(entry))
            parts.ensure_one()
            parts.close()
            names = [p.name for p in parts.paths]
            entries.write(dump(End(requests=names, articles=summary.articles,
                                   request_count=summary.requests)))  # fmt: skip
            entries.flush()
            os.fsync(entries.fileno())
        for path in parts.stale():
            path.unlink()
        for path in parts.paths:
            os.replace(_tmp(path), path)
        os.replace(_tmp(manifest), manifest)
    except BaseException:
        parts.close()
        for path in [*parts.paths, manifest]:
            _tmp(path).unlink(missing_ok=True)
        raise
    summary.files = parts.paths
    return summary
