"""``stance batch collect``: results lines back into grounded extraction records.

The answers go through the live path's own parsing (instructor, via a StructuredClient
whose ``create`` hands back the stored completion) and its grounding, merge and assembly
(``Extractor.assemble_answers``), and the records through ``OutputFile``. What a batch
cannot do is written into the records, never dropped: a quote not in its paragraph is
rejected saying no re-ask was possible, an invalid, cut-off or failed answer is a
segment error, and an article with no answer at all is an error record naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stance.batchfile.manifest import (
    ArticleEntry,
    Header,
    check_complete,
    find_manifest,
    parse_custom_id,
    read_entries,
)
from stance.batchfile.manifest import read_header as read_manifest_header
from stance.batchfile.results import ResultLine, Results, read_results
from stance.errors import ConfigError, ExtractionError
from stance.llm.client import StructuredClient
from stance.reading.ask.answers import ParagraphAnswer
from stance.reading.ask.prompts import PromptTemplate
from stance.reading.base.model_interface import StructuredModel
from stance.reading.extractor import Extractor
from stance.reading.find.segments import split_segments
from stance.runs.output import OutputFile
from stance.runs.summary import BatchSummary
from stance.schema import ErrorRecord, OutputRecord, Usage

__all__ = [
    "NO_REASK",
    "NO_VALIDATION_REASK",
    "CollectSummary",
    "collect_results",
]

NO_REASK = "and no re-ask is possible in batch mode"
NO_VALIDATION_REASK = "a batch file cannot re-ask"


@dataclass
class CollectSummary:
    records: BatchSummary
    manifest: Path
    results_lines: int = 0
    bad_lines: int = 0
    missing: int = 0  # requests with no results line
    failed_requests: int = 0  # HTTP errors and requests that got no response
    unknown: int = 0  # results lines of this batch naming no request of the manifest
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        incomplete = self.bad_lines + self.missing + self.failed_requests + self.unknown
        return not (incomplete or self.records.failed)

    def render(self) -> str:
        text = f"{self.results_lines} results lines for the batch in {self.manifest}"
        for count, what in (
            (self.bad_lines, "bad lines skipped"),
            (self.missing, "requests without a result"),
            (self.failed_requests, "failed requests"),
            (self.unknown, "results for requests not in the manifest"),
        ):
            text += f", {count} {what}" if count else ""
        return f"{text}. {self.records.render()}"


class _Replay:
    """The ``create`` of a StructuredClient that answers with the stored completion."""

    def __init__(self) -> None:
        self.completion: Any = None

    def __call__(self, **_: Any) -> Any:
        return self.completion


def _identity_prompt(header: Header, manifest: Path) -> PromptTemplate:
    """The prompt's name, version and hash for provenance: collect renders no prompt."""
    info = header.prompt
    return PromptTemplate(
        name=info.name, version=info.version, sha256=info.hash, path=manifest, system="",
        user_template="", reask_template="", examples=(),
    )  # fmt: skip


def _batch_of(results: Results, summary: CollectSummary) -> set[str]:
    """Batch ids named by the results; custom_ids not made by stance are bad lines."""
    batches = set()
    for cid in list(results.lines):
        parsed = parse_custom_id(cid)
        if parsed is None:
            summary.bad_lines += 1
            summary.problems.append(f"custom_id {cid!r} was not written by stance batch prepare")
            del results.lines[cid]
        else:
            batches.add(parsed[0])
    return batches


def _locate(results: Sequence[Path], batches: set[str], manifest: Path | None) -> Path:
    if manifest is not None:
        return manifest
    if len(batches) > 1:
        raise ConfigError(f"the results mix batches {', '.join(sorted(batches))}; collect each")
    if not batches:
        raise ConfigError("no results line from a stance batch: nothing to collect")
    return find_manifest(results, next(iter(batches)))


def collect_results(
    results: Sequence[Path],
    output: Path,
    *,
    manifest: Path | None = None,
    resume: bool = False,
    on_record: Callable[[OutputRecord], None] | None = None,
) -> CollectSummary:
    """Write one record per article of the manifest into ``output``."""
    found = read_results(results)
    summary = CollectSummary(BatchSummary(output=output), Path())
    summary.bad_lines, summary.problems = found.bad_lines, list(found.problems)
    batches = _batch_of(found, summary)
    summary.manifest = path = _locate(results, batches, manifest)
    header = read_manifest_header(path)
    foreign = sorted(batches - {header.batch_id})
    if foreign:
        raise ConfigError(
            f"the results belong to batch {', '.join(foreign)}, but {path} is the manifest of "
            f"batch {header.batch_id}; pass the matching --manifest"
        )
    check_complete(path)
    summary.results_lines = len(found.lines)
    replay = _Replay()
    client = StructuredClient(
        replay, model_id=header.model, request_model=header.request_model,
        parameters=header.parameters, endpoint=header.endpoint, validation_retries=0,
    )  # fmt: skip
    extractor = Extractor(client, _identity_prompt(header, path))
    out = OutputFile(output, resume=resume, inputs=[*map(str, results), str(path)])
    out.check_same_run(header.model, header.prompt.hash)
    used: set[str] = set()
    out.open()
    try:
        for entry in read_entries(path):
            if isinstance(entry, ArticleEntry) and entry.article.id in out.done:
                summary.records.articles += 1
                summary.records.skipped_resumed += 1
                used.update(entry.custom_ids(header.batch_id))
                continue
            if isinstance(entry, ArticleEntry):
                record = _article(entry, header, found, extractor, replay, summary, used)
            else:
                record = ErrorRecord(
                    article_id=entry.article_id, source=entry.source, error_type="input",
                    message=entry.message, created_at=datetime.now(timezone.utc),
                )  # fmt: skip
            out.append(record)
            summary.records.add(record)
            if on_record is not None:
                on_record(record)
    finally:
        out.close()
    unknown = sorted(set(found.lines) - used)
    summary.unknown = len(unknown)
    if unknown:
        summary.problems.append(
            f"{len(unknown)} results lines name requests not in {path}, e.g. {unknown[0]}"
        )
    return summary


def _article(
    entry: ArticleEntry,
    header: Header,
    found: Results,
    extractor: Extractor,
    replay: _Replay,
    summary: CollectSummary,
    used: set[str],
) -> OutputRecord:
    """One article's record from its results lines."""
    if not _split_as_prepared(entry):
        used.update(entry.custom_ids(header.batch_id))
        return ErrorRecord(
            article_id=entry.article.id, source=entry.article.source, error_type="batch",
            message=f"this stance splits the article into other paragraphs than stance "
            f"{header.stance_version} did at prepare; prepare the batch again",
            model=header.model, prompt=header.prompt, created_at=datetime.now(timezone.utc),
        )  # fmt: skip
    answers: dict[int, ParagraphAnswer | str] = {}
    usage = Usage()
    missing: list[str] = []
    unanswered: list[str] = []
    for segment, cid in zip(entry.segments, entry.custom_ids(header.batch_id), strict=True):
        used.add(cid)
        line = found.lines.get(cid)
        if line is None:
            missing.append(cid)
            answers[segment] = f"{cid}: no results line for this request; run it, then collect"
            continue
        problem = line.problem()
        if problem is not None:
            unanswered.append(f"{cid}: {problem}")
            answers[segment] = unanswered[-1]
            continue
        usage = usage + _usage(line)
        answers[segment] = _answer(extractor.client, replay, line, header)
    summary.missing += len(missing)
    summary.failed_requests += len(unanswered)
    if entry.segments and len(missing) + len(unanswered) == len(entry.segments):
        message = (
            f"no results line for any of its {len(missing)} requests: {', '.join(missing)}"
            if not unanswered
            else "no answer for any of its requests: "
            + "; ".join([*unanswered, *(f"{cid}: no results line" for cid in missing)])
        )
        return ErrorRecord(
            article_id=entry.article.id, source=entry.article.source,
            error_type="provider" if unanswered else "batch", message=message,
            model=header.model, prompt=header.prompt, created_at=datetime.now(timezone.utc),
        )  # fmt: skip
    return extractor.assemble_answers(entry.article, answers, usage, not_found=NO_REASK)


def _split_as_prepared(entry: ArticleEntry) -> bool:
    """Do the paragraphs still fall where they fell at prepare? (The segmenter may change.)"""
    spans = [(s.span.start, s.span.end) for s in split_segments(entry.article.text)]
    now = [spans[i] if i < len(spans) else None for i in entry.segments]
    return now == [tuple(span) for span in entry.spans]


def _usage(line: ResultLine) -> Usage:
    """Tokens as the server billed them, whether or not the answer turns out usable."""
    assert line.response is not None
    body = line.response.body
    usage = body.get("usage") if isinstance(body, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    return Usage(
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        calls=1,
    )


def _answer(
    client: StructuredModel, replay: _Replay, line: ResultLine, header: Header
) -> ParagraphAnswer | str:
    """The parsed answer, or the message of a SegmentError, exactly as the live path says it."""
    from openai.types.chat import ChatCompletion

    assert line.response is not None
    try:
        replay.completion = ChatCompletion.model_validate(line.response.body)
    except ValidationError as exc:
        errors = exc.error_count()
        return f"{line.custom_id}: response body is not a chat completion ({errors} errors)"
    try:
        result = client.ask(
            [{"role": "user", "content": line.custom_id}], ParagraphAnswer,
            prompt_hash=header.prompt.hash,
        )  # fmt: skip
    except ExtractionError as exc:
        return f"{line.custom_id}: {exc} ({NO_VALIDATION_REASK})"
    return result.value
