"""One eval run end to end: load a dataset, extract it (live, cached or replayed), score it.

`stance eval` and `stance.evaluate_dataset()` both come through here, so a report made from
Python and one made from the shell are the same document.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import InputError, ReplayMissError
from stance.evaluation.article_scoring import MatchRule
from stance.evaluation.dataset_scoring import (
    POLNEAR_HEADLINE,
    read_predictions,
    run_extractions,
    score_dataset,
)
from stance.evaluation.gold import GoldArticle, load_gold_dir
from stance.evaluation.metrics import HEADLINE
from stance.evaluation.report import EvalReport
from stance.schema import OutputRecord

__all__ = [
    "DATASETS",
    "ExtractionOptions",
    "Progress",
    "dataset_kind",
    "default_recording",
    "evaluate_dataset",
    "extract_dataset",
    "load_dataset",
]

DATASETS = ("gold", "polnear")
Progress = Callable[[GoldArticle, OutputRecord], None]


@dataclass(frozen=True)
class ExtractionOptions:
    """How a dataset's articles are extracted when no predictions are given.

    ``offline`` replays ``recording`` (default: evals/recordings/<dataset>.jsonl) and never
    reaches a model; ``record`` writes the responses the run used to that file.
    """

    model: str | None = None
    base_url: str | None = None
    prompt: str | None = None
    offline: bool = False
    record: bool = False
    recording: Path | None = None
    cache_path: Path | None = None
    timeout_s: float = 300.0
    http_client: Any = None
    on_article: Progress | None = None
    on_recorded: Callable[[int, Path], None] | None = None
    temperature: float = 0.0
    sampling_seed: int = 0  # the model's seed; repeats of a grid use 0, 1, 2, ...
    judge: str | None = None  # who decides types, links and stances (--judge; None: by reader)


def dataset_kind(path: Path, kind: str | None = None) -> str:
    """`gold` or `polnear`: given, or guessed from the folder's layout."""
    kind = kind or ("polnear" if (path / "attributions").is_dir() else "gold")
    if kind not in DATASETS:
        raise InputError(f"dataset must be one of {', '.join(DATASETS)}, not {kind!r}")
    return kind


def load_dataset(
    path: Path, kind: str, *, limit: int | None = None, seed: int = 0, max_words: int | None = None
) -> list[GoldArticle]:
    if kind == "polnear":
        from stance.evaluation.polnear import load_polnear

        return load_polnear(path, limit=limit, seed=seed, max_words=max_words)
    return load_gold_dir(path)[:limit]


def default_recording(dataset_path: Path) -> Path:
    """`evals/gold` records into `evals/recordings/gold.jsonl`."""
    resolved = dataset_path.resolve()
    return resolved.parent / "recordings" / f"{resolved.name}.jsonl"


def extract_dataset(
    gold: list[GoldArticle], path: Path, options: ExtractionOptions | None = None
) -> dict[str, OutputRecord]:
    """Extract the articles through the response cache, or replay a recording offline."""
    o = options or ExtractionOptions()
    model, base_url, prompt, offline, record = o.model, o.base_url, o.prompt, o.offline, o.record
    timeout_s, http_client, on_article, on_recorded = (
        o.timeout_s, o.http_client, o.on_article, o.on_recorded
    )  # fmt: skip
    from stance.api import ClientOptions, build_extractor
    from stance.evaluation.recording import replay_cache, save_recording
    from stance.llm.client import StructuredClient
    from stance.llm.response_cache import ResponseCache, default_cache_path

    if offline and record:
        raise InputError("--offline replays a recording; --record makes one: pick one")
    recording = o.recording or default_recording(path)
    with ExitStack() as stack:
        if offline:
            # no recording replays as an empty one: a reader that asks no model (the learned
            # judge) runs offline as it is, and the first question asked fails with the
            # command that records it (below)
            store = stack.enter_context(replay_cache(recording if recording.exists() else None))
        else:
            store = stack.enter_context(ResponseCache(o.cache_path or default_cache_path()))
        client_options = ClientOptions(
            timeout_s=timeout_s,
            http_client=http_client,
            offline=offline,
            seed=o.sampling_seed,
            temperature=o.temperature,
        )
        extractor = build_extractor(
            model,
            base_url=base_url,
            prompt=prompt,
            cache=store,
            options=client_options,
            judge=o.judge,
        )
        try:
            records = run_extractions(gold, extractor, on_article)
        except ReplayMissError as exc:
            again = f"stance eval {path} --model {model or 'local'}"
            again += f" --prompt {prompt}" if prompt else ""
            raise ReplayMissError(
                f"{exc}\nThe prompt, an article or the model changed since {recording} was "
                f"recorded. Re-record with: {again} --record --recording {recording}"
            ) from None
        if record:
            client = extractor.client
            assert isinstance(client, StructuredClient)  # what build_extractor opens
            saved = save_recording(recording, store, client.used_keys)
            if on_recorded is not None:
                on_recorded(saved, recording)
    return records


def evaluate_dataset(
    path: str | Path = "evals/gold",
    *,
    dataset: str | None = None,
    predictions: str | Path | None = None,
    limit: int | None = None,
    max_words: int | None = None,
    seed: int = 0,
    resamples: int = 1000,
    iou: float = 0.5,
    match: MatchRule = "iou",
    on_scored: Callable[[Sequence[GoldArticle], Mapping[str, OutputRecord]], None] | None = None,
    model: str | None = None,
    base_url: str | None = None,
    prompt: str | None = None,
    offline: bool = False,
    record: bool = False,
    recording: Path | None = None,
    cache_path: Path | None = None,
    timeout_s: float = 300.0,
    http_client: Any = None,
    on_article: Progress | None = None,
    on_recorded: Callable[[int, Path], None] | None = None,
    temperature: float = 0.0,
    sampling_seed: int = 0,
    judge: str | None = None,
) -> EvalReport:
    """Score a dataset: from earlier predictions, or by extracting it with the model, prompt
    and cache given (see ``ExtractionOptions``).

    `on_scored` receives the articles and predictions scored, for pages that show them.
    """
    options = ExtractionOptions(
        model=model, base_url=base_url, prompt=prompt, offline=offline, record=record,
        recording=recording, cache_path=cache_path, timeout_s=timeout_s,
        http_client=http_client, on_article=on_article, on_recorded=on_recorded,
        temperature=temperature, sampling_seed=sampling_seed, judge=judge,
    )  # fmt: skip
    started = time.perf_counter()
    folder = Path(path)
    kind = dataset_kind(folder, dataset)
    gold = load_dataset(folder, kind, limit=limit, seed=seed, max_words=max_words)
    if predictions is not None:
        records = read_predictions(Path(predictions))
    else:
        records = extract_dataset(gold, folder, options)
    if on_scored is not None:
        on_scored(gold, records)
    report = score_dataset(
        gold,
        records,
        dataset=kind if kind != "gold" else folder.name,
        dataset_path=str(folder),
        iou=iou,
        match=match,
        resamples=resamples,
        seed=seed,
        offline=offline,
        wall_seconds=time.perf_counter() - started,
        headline=POLNEAR_HEADLINE if kind == "polnear" else HEADLINE,
    )
    if predictions is None:
        report.manifest.temperature = temperature
        report.manifest.sampling_seed = sampling_seed
    if kind == "gold":
        from stance.evaluation.ceiling import find_ceilings

        report.ceilings = find_ceilings(folder)
    return report
