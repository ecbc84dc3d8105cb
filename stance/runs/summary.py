"""What a batch did: the counts, tokens, cost and timings behind the closing summary line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stance.runs.pricing import cost_usd
from stance.schema import ErrorRecord, OutputRecord, Usage

__all__ = ["BatchSummary", "plural_s"]


@dataclass
class BatchSummary:
    """What a batch did: the numbers behind the closing summary line."""

    articles: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped_resumed: int = 0
    claims: int = 0
    rejected: int = 0
    segment_errors: int = 0
    model_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    live: Usage = field(default_factory=Usage)  # spent by this run (cache hits excluded)
    model: str | None = None
    article_seconds: float = 0.0  # summed per-article latency, for the mean
    slowest_s: float = 0.0
    slowest_id: str | None = None
    rate_limit_wait_s: float = 0.0
    wall_s: float = 0.0
    output: Path | None = None

    @property
    def incomplete(self) -> bool:
        """Something was not extracted: a failed article or an unreadable paragraph."""
        return bool(self.failed or self.segment_errors)

    @property
    def cost_usd(self) -> float | None:
        """What this run's live calls cost, when the model's price is known."""
        return None if self.model is None else cost_usd(self.model, self.live)

    def add(self, record: OutputRecord) -> None:
        self.articles += 1
        if isinstance(record, ErrorRecord):
            self.failed += 1
            return
        self.succeeded += 1
        self.claims += len(record.claims)
        self.rejected += len(record.rejected)
        self.segment_errors += len(record.errors)
        usage = record.provenance.usage
        self.model = record.provenance.model
        self.live = self.live + usage.live
        latency = record.provenance.latency_s or 0.0
        self.article_seconds += latency
        if latency > self.slowest_s:
            self.slowest_s, self.slowest_id = latency, record.article_id
        self.model_calls += usage.calls
        self.cached_calls += usage.cached_calls
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens

    def render(self) -> str:
        """One paragraph for the terminal; failures and missing paragraphs are never hidden."""
        done = f"{self.articles} article{plural_s(self.articles)}: {self.succeeded} extracted"
        done += f", {self.failed} failed" if self.failed else ""
        done += f", {self.skipped_resumed} already done (resumed)" if self.skipped_resumed else ""
        found = f"{self.claims} claim{plural_s(self.claims)}"
        found += (
            f", {self.rejected} rejected quote{plural_s(self.rejected)}" if self.rejected else ""
        )
        if self.segment_errors:
            found += f", {self.segment_errors} unreadable paragraph{plural_s(self.segment_errors)}"
        calls = f"{self.model_calls} model call{plural_s(self.model_calls)}"
        calls += f" + {self.cached_calls} from cache" if self.cached_calls else ""
        calls += f" ({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion tokens)"
        text = f"{done}; {found}; {calls}; {self.wall_s:.1f} s"
        if self.succeeded and self.article_seconds:  # records collected from a batch: none
            mean = self.article_seconds / self.succeeded
            text += f" ({mean:.2f} s per article, slowest {self.slowest_s:.1f} s"
            text += f" for {self.slowest_id})" if self.slowest_id else ")"
        if self.rate_limit_wait_s >= 0.05:
            text += f"; {self.rate_limit_wait_s:.1f} s waited for --rpm/--tpm"
        cost = self.cost_usd
        if self.model is not None and not self.model.startswith("local:") and self.model != "none":
            text += (
                "; cost unknown (no price for this model)"
                if cost is None
                else (f"; cost ${cost:.4f}")
            )
        text += "."
        text += f" Records in {self.output}." if self.output is not None else ""
        if self.failed and self.output is not None:
            n = self.failed
            what = (
                "The failure is an error record"
                if n == 1
                else f"The {n} failures are error records"
            )
            text += f" {what}; --resume retries {'it' if n == 1 else 'them'}."
        return text


def plural_s(n: int) -> str:
    return "" if n == 1 else "s"
