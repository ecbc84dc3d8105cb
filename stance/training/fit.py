"""Fit the judge's heads on the training split, cross-validated by article; write them.

scikit-learn's logistic regression (lbfgs, fixed seed, fixed order) fits each head over a
vocabulary of the features seen at least ``MIN_COUNT`` times in training. The strength of
the regularisation and the link threshold are chosen by 5-fold cross-validation grouped by
article (no article's examples on both sides of a fold); dev and test are never read here.
The heads are written with rounded weights and gzip's mtime at 0, so two runs on the same
data write the same bytes (``make train`` twice gives the same hash).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance.evaluation.gold import GoldArticle
from stance.reading.judge.heads import LinearHead
from stance.training.design import FOLDS, MIN_COUNT, folds, matrix, vocabulary
from stance.training.examples import ArticleExamples

__all__ = ["C_GRID", "FOLDS", "MIN_COUNT", "data_hash", "fit_heads", "heads_with"]

C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)
SEED = 0
Group = tuple[int, list[tuple[list[str], bool]]]  # (article index, [(features, picked)])


def data_hash(articles: Sequence[GoldArticle]) -> str:
    """sha256 over every training article's id, text and labels, in id order."""
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(article.id.encode())
        digest.update(article.text.encode())
        digest.update(article.model_dump_json().encode())
    return digest.hexdigest()


@dataclass
class _Data:
    rows: list[list[str]]
    labels: list[str]
    groups: list[int]


def _fit(data: _Data, c: float) -> tuple[dict[str, int], Any]:
    from sklearn.linear_model import LogisticRegression

    vocab = vocabulary(data.rows)
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit(matrix(data.rows, vocab), data.labels)
    return vocab, model


def _subset(data: _Data, index: np.ndarray) -> _Data:
    return _Data(
        [data.rows[i] for i in index],
        [data.labels[i] for i in index],
        [data.groups[i] for i in index],
    )


def _cv_scores(data: _Data, c: float) -> tuple[float, float]:
    """Held-out accuracy and mean log loss (the probability given to the right class)."""
    right = total = 0
    loss = 0.0
    for train, held in folds(data.groups):
        vocab, model = _fit(_subset(data, train), c)
        probs = model.predict_proba(matrix([data.rows[i] for i in held], vocab))
        classes = list(model.classes_)
        for row, i in zip(probs, held, strict=True):
            right += classes[int(np.argmax(row))] == data.labels[i]
            p = row[classes.index(data.labels[i])] if data.labels[i] in classes else 0.0
            loss -= float(np.log(max(p, 1e-12)))
        total += len(held)
    return (right / total, loss / total) if total else (0.0, 0.0)


def _head(name: str, vocab: dict[str, int], model: Any) -> LinearHead:
    return LinearHead(
        name=name,
        classes=tuple(str(c) for c in model.classes_),
        features=tuple(vocab),
        coef=np.asarray(model.coef_, dtype=np.float64),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
    )


def _classifier(name: str, data: _Data, report: dict[str, Any]) -> LinearHead:
    # C by held-out log loss, a proper score: accuracy moves in steps of one example and
    # flipped the choice on differences under 0.01 whenever the speakers changed
    both = {c: _cv_scores(data, c) for c in C_GRID}
    scores = {c: both[c][0] for c in C_GRID}
    best = min(C_GRID, key=lambda c: (round(both[c][1], 4), c))
    vocab, model = _fit(data, best)
    majority = Counter(data.labels).most_common(1)[0][1] / len(data.labels)
    report[name] = {
        "examples": len(data.labels),
        "features": len(vocab),
        "C": best,
        "cv_accuracy": round(scores[best], 4),
        "cv_by_C": {str(c): round(s, 4) for c, s in scores.items()},
        "cv_log_loss_by_C": {str(c): round(both[c][1], 4) for c in C_GRID},
        "majority_baseline": round(majority, 4),
        "classes": dict(sorted(Counter(data.labels).items())),
    }
    return _head(name, vocab, model)


def _grouped(groups: list[Group]) -> _Data:
    rows, labels, ids = [], [], []
    for gid, (_, group) in enumerate(groups):
        for feats, label in group:
            rows.append(feats)
            labels.append(str(label))
            ids.append(gid)
    return _Data(rows, labels, ids)


def _pair_log_loss(groups: list[Group], probs: list[np.ndarray]) -> float:
    """Mean held-out log loss of the pairs: how sure the scorer was of each pair's label."""
    total, n = 0.0, 0
    for (_, group), p in zip(groups, probs, strict=True):
        for (_, label), q in zip(group, p, strict=True):
            total -= float(np.log(max(float(q) if label else 1.0 - float(q), 1e-12)))
            n += 1
    return total / n if n else 0.0


def _picks(
    groups: list[Group], probs: list[np.ndarray], t: float
) -> list[tuple[int | None, int | None]]:
    """Per group, the pick (the most probable candidate above t, or none) and the labelled
    answer (or none)."""
    out = []
    for (_, group), p in zip(groups, probs, strict=True):
        truth = next((i for i, (_, label) in enumerate(group) if label), None)
        best = int(np.argmax(p)) if len(p) else None
        out.append((best if best is not None and p[best] >= t else None, truth))
    return out


def _pick_f1(groups: list[Group], probs: list[np.ndarray], t: float) -> float:
    """F1 of the picks (for the link head, of the links): a pick is right when it is the
    labelled answer; every group with an answer is one to find."""
    picks = _picks(groups, probs, t)
    right = sum(pick is not None and pick == truth for pick, truth in picks)
    predicted = sum(pick is not None for pick, _ in picks)
    wanted = sum(truth is not None for _, truth in picks)
    return 2 * right / (predicted + wanted) if predicted + wanted else 0.0


def _pick_accuracy(groups: list[Group], probs: list[np.ndarray], t: float) -> float:
    """The share of groups where the pick (the most probable above t, or none) is right."""
    picks = _picks(groups, probs, t)
    return sum(pick == truth for pick, truth in picks) / len(picks) if picks else 0.0


def _ranker(
    name: str,
    groups: list[Group],
    report: dict[str, Any],
    thresholds: Sequence[float],
) -> tuple[LinearHead, float]:
    """A pairwise head whose pick per group is cross-validated for C and threshold."""
    data = _grouped(groups)
    article_of = [groups[g][0] for g in data.groups]
    if len(set(article_of)) < 2 or len(set(data.labels)) < 2:
        # too few labelled articles to cross-validate (or to learn): a head that scores every
        # candidate alike, so its pick is never taken above the default threshold
        report[name] = {"groups": len(groups), "examples": len(data.labels), "cv": "too few"}
        head = LinearHead(name, ("False", "True"), (), np.zeros((1, 0)), np.array([-10.0]))
        return head, 0.5
    held_probs: dict[float, list[np.ndarray]] = {c: [np.zeros(0)] * len(groups) for c in C_GRID}
    for train, held in folds(article_of):
        held_groups = sorted({data.groups[i] for i in held})
        for c in C_GRID:
            vocab, model = _fit(_subset(data, train), c)
            positive = list(model.classes_).index("True") if "True" in model.classes_ else None
            for g in held_groups:
                rows = [feats for feats, _ in groups[g][1]]
                if positive is None or not rows:
                    held_probs[c][g] = np.zeros(len(rows))
                else:
                    held_probs[c][g] = model.predict_proba(matrix(rows, vocab))[:, positive]
    table = {(c, t): _pick_accuracy(groups, held_probs[c], t) for c in C_GRID for t in thresholds}
    # C by the pairs' held-out log loss (steadier than the pick's accuracy, see _classifier);
    # the threshold by the F1 of the links at that C: a wrong link and a missed one both
    # cost (the pick's accuracy also rewarded "answers none", and chose fewer links)
    losses = {c: _pair_log_loss(groups, held_probs[c]) for c in C_GRID}
    best_c = min(C_GRID, key=lambda c: (round(losses[c], 4), c))
    f1 = {t: _pick_f1(groups, held_probs[best_c], t) for t in thresholds}
    best_t = max(thresholds, key=lambda t: (round(f1[t], 4), t))
    vocab, model = _fit(data, best_c)
    report[name] = {
        "groups": len(groups),
        "examples": len(data.labels),
        "features": len(vocab),
        "C": best_c,
        "threshold": best_t,
        "cv_pick_accuracy": round(table[(best_c, best_t)], 4),
        "cv_pair_log_loss_by_C": {str(c): round(v, 4) for c, v in losses.items()},
        "cv_pick_f1_by_threshold": {str(t): round(v, 4) for t, v in f1.items()},
        "groups_with_answer": sum(any(lab for _, lab in g) for _, g in groups),
    }
    return _head(name, vocab, model), best_t


def _labelled(examples: Sequence[ArticleExamples], name: str) -> _Data:
    """The examples of the ``type`` or ``polarity`` head, grouped by article."""
    rows, labels, ids = [], [], []
    for gid, ex in enumerate(examples):
        for feats, label in getattr(ex, name):
            rows.append(feats)
            labels.append(label)
            ids.append(gid)
    return _Data(rows, labels, ids)


def _groups(examples: Sequence[ArticleExamples], name: str) -> list[Group]:
    """The groups of the ``link`` or ``target`` head, each with its article's index."""
    return [(gid, g) for gid, ex in enumerate(examples) for g in getattr(ex, name) if g]


def heads_with(examples: Sequence[ArticleExamples], card: dict[str, Any]) -> dict[str, LinearHead]:
    """The four heads fitted on ``examples`` with the strengths a card chose (no search):
    what cross-validation of the whole judge refits on each fold's training articles."""
    cv = card["cross_validation"]
    heads = {}
    for name in ("type", "polarity"):
        heads[name] = _head(name, *_fit(_labelled(examples, name), cv[name]["C"]))
    for name in ("link", "target"):
        heads[name] = _head(name, *_fit(_grouped(_groups(examples, name)), cv[name]["C"]))
    return heads


def fit_heads(
    examples: Sequence[ArticleExamples], articles: Sequence[GoldArticle], out: Path
) -> dict[str, Any]:
    """Fit all four heads, write them and their card to ``out``; return the card."""
    report: dict[str, Any] = {}
    heads: dict[str, LinearHead] = {}
    for name in ("type", "polarity"):
        heads[name] = _classifier(name, _labelled(examples, name), report)
    heads["link"], threshold = _ranker("link", _groups(examples, "link"), report, THRESHOLDS)
    heads["target"], _ = _ranker("target", _groups(examples, "target"), report, (0.0,))
    out.mkdir(parents=True, exist_ok=True)
    for name, head in heads.items():
        (out / f"{name}.json.gz").write_bytes(head.to_bytes())
    digest = data_hash(articles)
    weights = hashlib.sha256(
        ("".join(h.digest() for _, h in sorted(heads.items())) + f"link>={threshold}").encode()
    )
    card = {
        # the data's hash and the weights' both (with the link threshold, which decides as
        # much as a weight): heads retrained on the same data by changed code (new features)
        # or a changed choice are a different version, so records say which heads read them
        "version": f"2+{digest[:12]}.{weights.hexdigest()[:8]}",
        "data_hash": digest,
        "articles": len(articles),
        "candidates": sum(e.candidates for e in examples),
        "matched": sum(e.matched for e in examples),
        "link_threshold": threshold,
        "heads": {name: head.digest() for name, head in sorted(heads.items())},
        "cross_validation": report,
        "seed": SEED,
        "folds": FOLDS,
        "min_count": MIN_COUNT,
    }
    (out / "heads.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    return card
