"""The judges side by side on the training split, cross-validated by article.

For each of 5 folds (articles grouped, as `stance train` groups them), the learned heads are
fitted on the other four folds with the card's chosen strengths (no inner search), and the
default reader with those heads reads the held-out fold; the rules judge reads the same
articles. Both are scored with `stance eval`'s scorer and compared with a paired bootstrap
(Holm), so the learned judge's figure on train is never one it was fitted on. It also prints
where each labelled link is lost (the first step of the chain that fails: the denial or the
denied claim not found, the denial typed otherwise, linked to nothing or elsewhere) and the
confusion of types.

    .venv/bin/python benchmarks/judge_cv.py            # prints both and the paired comparison
    .venv/bin/python benchmarks/judge_cv.py --reports DIR   # also writes DIR/rules.json and
                                                   # DIR/learned.json for `stance compare`

Dev and test are not read.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stance.api import build_extractor  # noqa: E402
from stance.evaluation.article_scoring import DEFAULT_IOU, pair_claims  # noqa: E402
from stance.evaluation.compare import compare  # noqa: E402
from stance.evaluation.compare_tables import to_terminal  # noqa: E402
from stance.evaluation.dataset_scoring import score_dataset  # noqa: E402
from stance.evaluation.splits import load_split  # noqa: E402
from stance.reading.judge.learned import HEADS_DIR, HeadSet, LearnedJudge  # noqa: E402
from stance.schema import Article, Claim, ClaimType, Extraction, OutputRecord  # noqa: E402
from stance.training import design, fit  # noqa: E402
from stance.training.examples import ArticleExamples, article_examples  # noqa: E402

FOLDS = 5
LOSSES = (
    "denial not found",
    "denied claim not found",
    "denial typed otherwise",
    "linked to nothing",
    "linked elsewhere",
    "right",
)


def claims_of(record: OutputRecord) -> list[Claim]:
    """The claims of a record (an error record has none)."""
    return record.claims if isinstance(record, Extraction) else []


def type_confusion(
    articles: list[Any], records: dict[str, OutputRecord]
) -> Counter[tuple[str, str]]:
    """(gold type, predicted type) over the claims both found."""
    counts: Counter[tuple[str, str]] = Counter()
    for a in articles:
        claims = claims_of(records[a.id])
        for i, j in pair_claims(claims, a.claims, DEFAULT_IOU).items():
            if a.claims[j].type is not None:
                counts[(a.claims[j].type.value, claims[i].type.value)] += 1
    return counts


def print_confusion(counts: Counter[tuple[str, str]]) -> None:
    kinds = sorted({k for pair in counts for k in pair})
    print("gold \\ predicted " + " ".join(f"{k[:6]:>6}" for k in kinds) + "  recall")
    for g in kinds:
        row = [counts[(g, p)] for p in kinds]
        total = sum(row)
        print(
            f"{g:17} " + " ".join(f"{n:6}" for n in row) + f"  {counts[(g, g)] / max(total, 1):.2f}"
        )


def link_losses(articles: list[Any], records: dict[str, OutputRecord]) -> dict[str, int]:
    """Where each gold link is lost: the first step of the chain that fails."""
    counts = dict.fromkeys(LOSSES, 0)
    for a in articles:
        claims = claims_of(records[a.id])
        pairs = pair_claims(claims, a.claims, DEFAULT_IOU)
        pred_of = {j: i for i, j in pairs.items()}
        index = {c.id: j for j, c in enumerate(a.claims)}
        ids = {c.id: i for i, c in enumerate(claims)}
        for j, g in enumerate(a.claims):
            if g.denies is None:
                continue
            i, target = pred_of.get(j), pred_of.get(index[g.denies])
            if i is None:
                loss = "denial not found"
            elif target is None:
                loss = "denied claim not found"
            elif claims[i].type is not ClaimType.DENIAL:
                loss = "denial typed otherwise"
            elif claims[i].denies is None:
                loss = "linked to nothing"
            elif ids.get(claims[i].denies) != target:
                loss = "linked elsewhere"
            else:
                loss = "right"
            counts[loss] += 1
    return counts


def _fold_heads(examples: list[ArticleExamples], train: list[int], card: dict[str, Any]) -> HeadSet:
    heads = fit.heads_with([examples[i] for i in train], card)
    return HeadSet(heads, {**card, "version": "cv"})


def main() -> None:
    args = sys.argv[1:]
    reports_dir = Path(args[args.index("--reports") + 1]) if "--reports" in args else None
    articles = load_split(ROOT / "evals" / "gold", "train")
    with ProcessPoolExecutor(2) as pool:
        examples = list(pool.map(article_examples, articles, chunksize=4))
    card = json.loads((HEADS_DIR / "heads.json").read_text(encoding="utf-8"))
    folds = design.folds(list(range(len(articles))))
    learned: dict[str, OutputRecord] = {}
    for train_idx, held_idx in folds:
        heads = _fold_heads(examples, [int(i) for i in train_idx], card)
        extractor = build_extractor(prompt="rules-v1", judge="learned")
        extractor._judge = LearnedJudge(heads)
        for i in held_idx:
            a = articles[int(i)]
            learned[a.id] = extractor.extract(Article(id=a.id, text=a.text))
    rules_reader = build_extractor(prompt="rules-v1", judge="rules")
    rules = {a.id: rules_reader.extract(Article(id=a.id, text=a.text)) for a in articles}
    reports = {}
    for name, records in (("rules", rules), ("learned (cv)", learned)):
        reports[name] = score_dataset(
            articles, records, dataset="train (5-fold)", dataset_path="evals/gold/train"
        )
        m = reports[name].metrics
        print(
            f"{name:14} "
            + "  ".join(
                f"{k} {m[k].value:.3f}"
                for k in ("type_accuracy", "denial_f1", "denial_link_accuracy", "stance_f1")
                if k in m and m[k].value is not None and not np.isnan(m[k].value)
            )
        )
    for name, records in (("rules", rules), ("learned (cv)", learned)):
        losses = link_losses(articles, records)
        print(f"{name:14} gold links: " + ", ".join(f"{k} {v}" for k, v in losses.items()))
        print_confusion(type_confusion(articles, records))
    print(to_terminal(compare([reports["rules"], reports["learned (cv)"]], ["rules", "learned"])))
    if reports_dir is not None:
        reports_dir.mkdir(parents=True, exist_ok=True)
        for name, file in (("rules", "rules.json"), ("learned (cv)", "learned.json")):
            (reports_dir / file).write_text(reports[name].model_dump_json(indent=1) + "\n")


if __name__ == "__main__":
    main()
