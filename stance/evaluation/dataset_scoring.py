"""Score a dataset: extract its articles (or read earlier outputs), score each against its
labels, and build the report with bootstrap intervals.

`stance eval` runs `evaluation.evaluate.evaluate_dataset`, which calls `run_extractions`
and `score_dataset` here; the CI gate's checks are in `evaluation.gate`.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from stance.errors import InputError, ReplayMissError, StanceError
from stance.evaluation.article_scoring import DEFAULT_IOU, MatchRule, match_claims, score_article
from stance.evaluation.gold import GoldArticle
from stance.evaluation.metrics import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    HEADLINE,
    MACRO,
    METRICS,
    Estimate,
    bootstrap_sums,
    count_matrix,
    estimate,
    resample_indices,
)
from stance.evaluation.report import (
    CONVENTIONS,
    ArticleResult,
    ClaimOutcome,
    ErrorEntry,
    EvalReport,
    Interval,
    Manifest,
)
from stance.reading.extractor import Extractor, stance_version
from stance.runs.pricing import cost_usd
from stance.schema import (
    SCHEMA_VERSION,
    Article,
    ErrorRecord,
    Extraction,
    OutputRecord,
    PromptInfo,
    Provenance,
    Usage,
    parse_record,
)

__all__ = [
    "POLNEAR_HEADLINE",
    "claim_outcomes",
    "read_predictions",
    "run_extractions",
    "score_dataset",
]

POLNEAR_HEADLINE = (
    "claim_precision",
    "claim_recall",
    "claim_f1",
    "attribution_f1",
    "source_named_accuracy",
    "source_pronoun_accuracy",
    "source_generic_accuracy",
    "denial_f1",
    "grounding_rate",
)


def run_extractions(
    gold: Sequence[GoldArticle],
    extractor: Extractor,
    on_article: Callable[[GoldArticle, OutputRecord], None] | None = None,
) -> dict[str, OutputRecord]:
    """Extract every gold article; a failure becomes an error record, never a lost article.

    Offline replay misses are collected and raised together, naming each article.
    """
    records: dict[str, OutputRecord] = {}
    misses: list[str] = []
    for item in gold:
        record: OutputRecord
        try:
            record = extractor.extract(Article(id=item.id, text=item.text, title=item.title))
        except ReplayMissError as exc:
            misses.append(f"{item.id}: {exc}")
            continue
        except StanceError as exc:
            record = ErrorRecord(
                article_id=item.id,
                error_type=type(exc).__name__,
                message=str(exc),
                model=extractor.client.model_id,
                prompt=extractor.prompt.info,
                created_at=datetime.now(timezone.utc),
            )
        records[item.id] = record
        if on_article is not None:
            on_article(item, record)
    if misses:
        raise ReplayMissError(
            f"offline replay has no recorded response for {len(misses)} article(s) "
            f"(prompt {extractor.prompt.name} v{extractor.prompt.version}, "
            f"model {extractor.client.model_id}):\n  " + "\n  ".join(misses)
        )
    return records


def read_predictions(path: Path) -> dict[str, OutputRecord]:
    """Records from a `stance extract` JSONL output, by article id (last one wins)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"predictions {path} cannot be read: {exc}") from exc
    records: dict[str, OutputRecord] = {}
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                record = parse_record(line)
            except ValueError as exc:
                raise InputError(f"{path}, line {n}: not a stance record ({exc})") from exc
            records[record.article_id] = record
    return records


def _empty(article: GoldArticle) -> Extraction:
    provenance = Provenance(
        model="none",
        prompt=PromptInfo(name="none", version="0", hash=""),
        stance_version=stance_version(),
        created_at=datetime.now(timezone.utc),
    )
    return Extraction(article_id=article.id, text=article.text, provenance=provenance)


def _git() -> tuple[str | None, bool | None]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(dirty.strip())


def _interval(e: Estimate) -> Interval:
    return Interval.model_validate(e.as_dict())


def score_dataset(
    gold: Sequence[GoldArticle],
    predictions: Mapping[str, OutputRecord],
    *,
    dataset: str,
    dataset_path: str,
    iou: float = DEFAULT_IOU,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    offline: bool = False,
    wall_seconds: float = 0.0,
    headline: Sequence[str] = HEADLINE,
    match: MatchRule = "iou",
) -> EvalReport:
    """Score predictions against gold; a missing or failed article scores as empty.

    ``match`` is the pairing rule (``article_scoring.MatchRule``): ``iou`` (ours) or
    ``overlap`` (the PolNeAR peers'), with ``iou`` as its threshold either way.
    """
    if not gold:
        raise InputError(f"{dataset_path}: no gold articles to score")
    started = time.perf_counter()
    results: list[ArticleResult] = []
    usage = Usage()
    provenance: Provenance | None = None
    for article in gold:
        record = predictions.get(article.id)
        failed = None
        if isinstance(record, Extraction):
            extraction = record
            provenance = provenance or record.provenance
            usage = usage + _usage_of(record)
        else:
            extraction = _empty(article)
            failed = record.message if isinstance(record, ErrorRecord) else "no prediction"
        if extraction.text != article.text:
            failed = failed or "prediction text differs from the gold text: offsets do not match"
            extraction = _empty(article)
        scored = score_article(extraction, article, iou, match)
        single = count_matrix([scored.counts])
        names = (*headline, *MACRO, "claim_precision", "claim_recall")
        per_article = {k: _finite(float(METRICS[k](single)[0])) for k in names}
        results.append(
            ArticleResult(
                id=article.id,
                counts=scored.counts,
                metrics=per_article,
                usage=_usage_of(extraction) if failed is None else Usage(),
                errors=[
                    ErrorEntry(kind=e.kind, quote=e.quote, detail=e.detail) for e in scored.errors
                ],
                failed=failed,
                claim_outcomes=claim_outcomes(extraction, article, iou, match),
            )
        )
    counts = count_matrix([r.counts for r in results])
    weights = resample_indices(len(results), resamples, seed)
    sums = bootstrap_sums(counts, weights)
    metrics = {name: _interval(estimate(counts, name, weights, sums=sums)) for name in METRICS}
    macro = {name: _interval(estimate(counts, name, weights, "macro")) for name in MACRO}
    commit, dirty = _git()
    model = provenance.model if provenance else "unknown"
    n = len(results)
    manifest = Manifest(
        dataset=dataset,
        dataset_path=dataset_path,
        articles=n,
        model=model,
        endpoint=provenance.endpoint if provenance else None,
        prompt=provenance.prompt if provenance else None,
        schema_version=SCHEMA_VERSION,
        stance_version=stance_version(),
        git_commit=commit,
        git_dirty=dirty,
        created_at=datetime.now(timezone.utc),
        offline=offline,
        iou_threshold=iou,
        match_rule=match,
        resamples=resamples,
        seed=seed,
        usage=usage,
        model_seconds_per_article=round(usage.model_seconds / n, 2),
        tokens_per_article=round(usage.total_tokens / n, 1),
        wall_seconds=round(wall_seconds + time.perf_counter() - started, 3),
        cost_usd=cost_usd(model, usage),
        conventions=CONVENTIONS.format(
            rule_text=(
                f"span overlap >= {iou} of the shorter span"
                if match == "overlap"
                else f"character IoU >= {iou}"
            ),
            actor_text=(
                "shared word in a name or mention"
                if match == "overlap"
                else "shared normalised name or mention"
            ),
            resamples=resamples,
            seed=seed,
        ),
    )
    return EvalReport(
        manifest=manifest, headline=list(headline), metrics=metrics, macro=macro, articles=results
    )


def claim_outcomes(
    extraction: Extraction, gold: GoldArticle, iou: float = DEFAULT_IOU, match: MatchRule = "iou"
) -> list[ClaimOutcome]:
    """Every gold claim (matched or missed, in gold order), then every spurious prediction,
    by the pairing `score_article` counts."""
    paired = match_claims(extraction, gold, iou, match)
    pred_of = {j: i for i, j in paired.pairs.items()}
    rows: list[ClaimOutcome] = []
    for j, g in enumerate(gold.claims):
        i = pred_of.get(j)
        p = extraction.claims[i] if i is not None else None
        rows.append(
            ClaimOutcome(
                status="missed" if p is None else "matched",
                gold=j,
                gold_id=g.id,
                predicted=p.id if p else None,
                right_claimer=paired.right_claimer[i] if i is not None else None,
                right_type=p.type is g.type if p is not None and g.type is not None else None,
                gold_start=g.start,
                gold_end=g.end,
                predicted_start=p.span.start if p else None,
                predicted_end=p.span.end if p else None,
            )
        )
    for i, p in enumerate(extraction.claims):
        if i not in paired.pairs:
            rows.append(
                ClaimOutcome(
                    status="spurious",
                    predicted=p.id,
                    predicted_start=p.span.start,
                    predicted_end=p.span.end,
                )
            )
    return rows


def _usage_of(record: Extraction) -> Usage:
    """The record's usage; records written before model_seconds existed get their latency."""
    usage = record.provenance.usage
    if not usage.model_seconds and usage.calls:
        return usage.model_copy(update={"model_seconds": record.provenance.latency_s})
    return usage


def _finite(value: float) -> float | None:
    return None if value != value else round(value, 4)
