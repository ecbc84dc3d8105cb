"""`stance eval` and `stance compare`: thin shells over ``stance.evaluation.evaluate`` and
``stance.evaluation.compare``.

Exit codes: 0 scored (and the gate passed), 1 the gate failed or articles could not be scored,
2 bad usage or configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from stance.cli.run_refs import keep_run, load_run
from stance.cli.support import JudgeOption, ReaderOption, injected, prompt_for, reported
from stance.errors import ConfigError, InputError
from stance.evaluation.gold import GoldArticle
from stance.evaluation.report import EvalReport
from stance.schema import Extraction, OutputRecord

__all__ = ["compare_command", "eval_command", "register_eval_commands"]


def _write_atomic(path: Path, text: str) -> None:
    from stance.runs.output import atomic_write

    atomic_write(path, text.encode("utf-8"))


def eval_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Gold folder, or a PolNeAR split folder")] = Path(
        "evals/gold"
    ),
    dataset: Annotated[
        str | None, typer.Option(help="gold or polnear (default: guessed from the folder)")
    ] = None,
    predictions: Annotated[
        Path | None, typer.Option(help="Score this `stance extract` JSONL instead of extracting")
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(help="local, local:/x.gguf or openai:NAME; repeat it for a grid"),
    ] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint")] = None,
    prompt: Annotated[
        list[str] | None, typer.Option(help="Prompt name or .yaml path; repeat it for a grid")
    ] = None,
    reader: ReaderOption = None,
    judge: JudgeOption = None,
    repeat: Annotated[
        int, typer.Option(min=1, help="Grid: run each configuration N times (seeds 0..N-1)")
    ] = 1,
    temperature: Annotated[
        float, typer.Option(min=0.0, help="Sampling temperature of the model calls")
    ] = 0.0,
    workers: Annotated[
        int, typer.Option(min=1, help="Grid: remote-model runs in flight at once")
    ] = 4,
    report: Annotated[Path | None, typer.Option(help="Write the JSON report here")] = None,
    markdown: Annotated[
        Path | None, typer.Option(help="Write the Markdown report (a grid: comparison) here")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(help="Write the HTML report page (a grid: the comparison page) here"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write the extractions (JSONL)")
    ] = None,
    fail_under: Annotated[
        str | None, typer.Option(help="Gate: METRIC=MIN,... e.g. claim_f1=0.5,denial_f1=0.4")
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(help="Gate against this earlier report: a file, a run id or a run tag"),
    ] = None,
    max_drop: Annotated[float, typer.Option(help="Allowed drop below --baseline")] = 0.02,
    offline: Annotated[
        bool, typer.Option("--offline", help="Replay recorded responses; never call a model")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Save the responses used into the recording")
    ] = False,
    recording: Annotated[
        Path | None, typer.Option(help="Recording file (default: evals/recordings/NAME.jsonl)")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Score the first N articles")] = None,
    max_words: Annotated[
        int | None, typer.Option(min=1, help="PolNeAR: skip longer articles")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for selection and bootstrap")] = 0,
    resamples: Annotated[int, typer.Option(min=100, help="Bootstrap resamples")] = 1000,
    iou: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Span agreement needed to pair two claims")
    ] = 0.5,
    match: Annotated[
        str,
        typer.Option(
            help="iou: IoU of the spans, actors by a shared name; overlap: the PolNeAR peers' "
            "rule, overlap over the shorter span, actors by a shared word"
        ),
    ] = "iou",
    cache: Annotated[Path | None, typer.Option(help="Response cache file")] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per model request")] = 300.0,
    store: Annotated[
        bool, typer.Option(help="Keep the run in the run store (see `stance runs`)")
    ] = True,
) -> None:
    """Score extractions against hand labels, with 95% bootstrap intervals and a CI gate.

    Every run is kept in the run store (`stance runs list`) unless --no-store is given.
    Several --model or --prompt values, or --repeat, run the grid of every combination,
    store each run and end with one paired comparison against the first configuration.
    """
    from stance.evaluation.article_scoring import MATCH_RULES
    from stance.evaluation.evaluate import evaluate_dataset
    from stance.evaluation.gate import baseline_drops, gate, parse_thresholds
    from stance.evaluation.report import to_markdown, to_terminal

    with reported(), ExitStack() as stack:
        rule = next((r for r in MATCH_RULES if r == match), None)
        if rule is None:
            raise ConfigError(f"--match must be one of {', '.join(MATCH_RULES)}, not {match!r}")
        thresholds = parse_thresholds(fail_under) if fail_under else {}
        models: list[str | None] = list(model or []) or [None]
        prompts: list[str | None] = list(prompt or []) or [None]
        if reader is not None:
            prompts = [prompt_for(reader, p) for p in prompts]
        if len(models) * len(prompts) * repeat > 1:
            from stance.cli.eval_grid import GridOptions, eval_grid

            unused = {"--predictions": predictions, "--report": report, "--output": output,
                      "--baseline": baseline}  # fmt: skip
            given = [name for name, value in unused.items() if value is not None]
            if given:
                raise ConfigError(
                    f"{', '.join(given)}: not for a grid; every run is stored "
                    "(stance runs list, stance runs show ID --json)"
                )
            options = GridOptions(
                models=models, prompts=prompts, repeats=repeat, workers=workers,
                base_url=base_url, store=store, record=record, markdown=markdown, html=html,
            )  # fmt: skip

            def cell(model: str | None, prompt: str | None, sampling_seed: int) -> EvalReport:
                report = evaluate_dataset(
                    path, dataset=dataset, limit=limit, max_words=max_words, seed=seed,
                    resamples=resamples, iou=iou, match=rule, model=model, base_url=base_url,
                    prompt=prompt, offline=offline, record=record, recording=recording,
                    cache_path=cache, timeout_s=timeout, temperature=temperature,
                    sampling_seed=sampling_seed, http_client=injected(ctx).get("http_client"),
                    judge=judge,
                )  # fmt: skip
                for failure in gate(report, thresholds):
                    grid_failures.append(f"{prompt} × {model} #{sampling_seed + 1}: {failure}")
                return report

            grid_failures: list[str] = []
            grid_failures += eval_grid(options, cell, _write_atomic)
            for failure in grid_failures:
                typer.echo(f"stance: grid: {failure}", err=True)
            if grid_failures:
                raise typer.Exit(1)
            return
        out = stack.enter_context(output.open("w", encoding="utf-8")) if output else None
        done: list[str] = []

        def progress(item: GoldArticle, rec: OutputRecord) -> None:
            done.append(item.id)
            if isinstance(rec, Extraction):
                u = rec.provenance.usage
                line = (
                    f"[{len(done)}] {rec.article_id}: {len(rec.claims)} claims, "
                    f"{u.calls} calls + {u.cached_calls} cached, "
                    f"{rec.provenance.latency_s:.1f} s"
                )
            else:
                line = f"[{len(done)}] {rec.article_id}: failed ({rec.message})"
            typer.echo(line, err=True)
            if out is not None:
                out.write(rec.model_dump_json() + "\n")
                out.flush()

        def recorded(rows: int, where: Path) -> None:
            typer.echo(f"recorded {rows} responses in {where}", err=True)

        scored: list[tuple[Sequence[GoldArticle], Mapping[str, OutputRecord]]] = []

        result = evaluate_dataset(
            path,
            dataset=dataset,
            predictions=predictions,
            limit=limit,
            max_words=max_words,
            seed=seed,
            resamples=resamples,
            iou=iou,
            match=rule,
            model=models[0],
            base_url=base_url,
            prompt=prompts[0],
            offline=offline,
            record=record,
            recording=recording,
            cache_path=cache,
            timeout_s=timeout,
            http_client=injected(ctx).get("http_client"),
            on_article=progress,
            on_recorded=recorded,
            on_scored=lambda articles, records: scored.append((articles, records)),
            temperature=temperature,
            judge=judge,
        )
        if report is not None:
            _write_atomic(report, result.model_dump_json(indent=1) + "\n")
        if markdown is not None:
            _write_atomic(markdown, to_markdown(result))
        if html is not None:
            from stance.views.report_page import eval_page

            _write_atomic(html, eval_page(result, *scored[0]))
        typer.echo(to_terminal(result))
        if store:
            keep_run(result)
        failures = gate(result, thresholds)
        if baseline is not None:
            failures += baseline_drops(result, load_run(baseline)[1], max_drop)
    if failures:
        for failure in failures:
            typer.echo(f"stance: gate failed: {failure}", err=True)
        raise typer.Exit(1)


def compare_command(
    reports: Annotated[
        list[str],
        typer.Argument(
            help="Two or more runs: JSON report files, stored run ids, latest, latest~N, or "
            "a tag such as baseline"
        ),
    ],
    markdown: Annotated[Path | None, typer.Option(help="Write the Markdown table here")] = None,
    html: Annotated[
        Path | None, typer.Option(help="Write the HTML comparison page (plots, changes) here")
    ] = None,
    names: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated run names (default: file stems); reports given the same "
            "name are repeats of one run, paired by article"
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Bootstrap seed")] = 0,
    resamples: Annotated[int, typer.Option(min=100, help="Bootstrap resamples")] = 1000,
    metric: Annotated[
        str, typer.Option(help="Per-article metric of the HTML page's scatter and changes")
    ] = "attribution_f1",
) -> None:
    """Compare eval runs: values with intervals, paired differences, p (raw and Holm), d_z.

    The first run is the reference: `stance compare baseline latest`. Runs given the same
    --names entry are repeats of one run, paired by article.
    """
    from stance.evaluation.compare import compare_repeated
    from stance.evaluation.compare_tables import to_markdown, to_terminal

    with reported():
        named = [load_run(ref) for ref in reports]
        loaded = [report for _, report in named]
        per_article = sorted({m for r in loaded for a in r.articles for m in a.metrics})
        if metric not in per_article:
            raise ConfigError(f"--metric {metric!r}: choose one of {', '.join(per_article)}")
        labels = names.split(",") if names else [name for name, _ in named]
        if len(labels) != len(loaded):
            raise InputError("--names needs one name per report")
        runs: dict[str, list[EvalReport]] = {}
        for label, report in zip(labels, loaded, strict=True):
            runs.setdefault(label, []).append(report)
        result = compare_repeated(list(runs.values()), list(runs), resamples=resamples, seed=seed)
        typer.echo(to_terminal(result))
        if markdown is not None:
            _write_atomic(markdown, to_markdown(result))
        if html is not None:
            from stance.views.compare_page import compare_page

            _write_atomic(html, compare_page(result, metric=metric))


def register_eval_commands(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("compare")(compare_command)
