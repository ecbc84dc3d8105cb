"""The embedded model as an encoder for the judge's heads, beside the classical heads (issue 24).

Usage: python benchmarks/encoder_judge.py [--limit N] [--cache DIR] [--n-ctx 4096]

One llama.cpp pass per article (embedding=True, pooling none) gives one vector per token;
tokens are mapped to character offsets, so any span of the article can be mean-pooled.
The vectors are cached in ``--cache`` as ``<sha256 of text>.npy`` (float16) beside
``.offsets.npy`` (the tokens' character starts and ends) and ``.json`` (tokens, seconds),
so a rerun skips the model. An article longer than one window is split at paragraph
breaks into windows that fit the context.

The examples are the ones ``stance train`` uses (``stance.training.examples``), rebuilt here
with the drafts' spans kept (and checked against ``article_examples``). Three deciders are
fitted for each judgement, the same way:

- ``encoder``: the mean vector of the claim's words, of its cue and of its source,
  concatenated (zeros where absent), standardised; polarity also sees the type, as the
  classical polarity head does. The link scorer sees (denial vector, candidate vector, their
  elementwise product, log char and sentence distance, same paragraph, rank, after);
- ``classical``: the named parse features on the vocabulary of ``stance.training.fit``
  (features seen twice in the training fold), binary;
- ``both``: the two concatenated.

Multinomial logistic regression for type and polarity; a binary pair scorer for links whose
most probable candidate is picked when it clears a threshold (else "answers none"). C (and
the link threshold) is chosen by 5-fold cross-validation grouped by article, as
``stance.training.fit`` chooses it; the CV figure is that of the chosen C (so every decider
is optimistic the same way). Dev: trained on all of train with the chosen C.
Nothing in the repository is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stance.evaluation.article_scoring import DEFAULT_IOU, pair_spans
from stance.evaluation.gold import GoldArticle, GoldClaim
from stance.evaluation.splits import load_split
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import parse
from stance.reading.find.segments import split_segments
from stance.reading.judge.features import claim_features, pair_features, view_of
from stance.reading.judge.learned import NO_STANCE
from stance.reading.judge.rules_reader import read_by_rules
from stance.schema import ClaimType, Span
from stance.training import design
from stance.training import fit as classical_fit
from stance.training.examples import _polarities, article_examples

GOLD = Path("evals/gold")
THREADS = 2
WINDOW_MARGIN = 96  # tokens kept free in each window
ENC_GRID = (0.001, 0.003, 0.01, 0.03, 0.1)
BOTH_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
CLS_GRID = classical_fit.C_GRID
THRESHOLDS = classical_fit.THRESHOLDS
SEED = classical_fit.SEED
TYPES = [t.value for t in ClaimType]


# ---------------------------------------------------------------------------------------------
# The encoder pass: per-token vectors with character offsets, cached per text.


class Encoder:
    """The default GGUF loaded once in embedding mode, pooling none."""

    def __init__(self, model_path: Path, n_ctx: int, cache: Path) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.cache = cache
        self._llm: Any = None
        cache.mkdir(parents=True, exist_ok=True)

    @property
    def llm(self) -> Any:
        if self._llm is None:
            from llama_cpp import LLAMA_POOLING_TYPE_NONE, Llama

            self._llm = Llama(
                model_path=str(self.model_path),
                embedding=True,
                pooling_type=LLAMA_POOLING_TYPE_NONE,
                n_ctx=self.n_ctx,
                n_batch=self.n_ctx,
                n_threads=THREADS,
                n_threads_batch=THREADS,
                verbose=False,
            )
        return self._llm

    def _tokens(self, text: str) -> list[int]:
        return list(self.llm.tokenize(text.encode("utf-8")))  # as llm.embed tokenizes

    def _offsets(self, text: str, tokens: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Each token's character start and end in ``text`` (byte pieces, cumulated)."""
        pieces = [self.llm.detokenize([t]) for t in tokens]
        raw = text.encode("utf-8")
        if b"".join(pieces) != raw:
            raise ValueError("the tokens do not detokenize back to the text")
        char_start = np.cumsum([0] + [len(c.encode("utf-8")) for c in text])  # byte of char i
        ends = np.cumsum([len(p) for p in pieces])
        begins = ends - np.array([len(p) for p in pieces])
        starts = np.searchsorted(char_start, begins, side="right") - 1
        stops = np.searchsorted(char_start, ends, side="left")
        return starts.astype(np.int32), stops.astype(np.int32)

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Character windows, cut at paragraph (else line, else sentence) breaks, that fit."""
        limit = self.n_ctx - WINDOW_MARGIN
        if len(self._tokens(text)) <= limit:
            return [(0, len(text))]
        windows, start = [], 0
        while start < len(text):
            end = len(text)
            while len(self._tokens(text[start:end])) > limit:
                cut = -1
                for sep in ("\n\n", "\n", ". "):
                    cut = text.rfind(sep, start + 1, end - 1)
                    if cut > start:
                        cut += len(sep)
                        break
                end = cut if cut > start else start + (end - start) // 2
            windows.append((start, end))
            start = end
        return windows

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """(vectors [tokens, dim], char starts, char ends, meta) of one article; cached."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        vec_path = self.cache / f"{key}.npy"
        off_path = self.cache / f"{key}.offsets.npy"
        meta_path = self.cache / f"{key}.json"
        if vec_path.exists() and off_path.exists() and meta_path.exists():
            offsets = np.load(off_path)
            meta = json.loads(meta_path.read_text())
            return np.load(vec_path).astype(np.float32), offsets[0], offsets[1], meta
        began = time.perf_counter()
        vecs, starts, stops = [], [], []
        windows = self._windows(text)
        for w0, w1 in windows:
            piece = text[w0:w1]
            tokens = self._tokens(piece)
            s, e = self._offsets(piece, tokens)
            out = np.asarray(self.llm.embed(piece), dtype=np.float32)
            if out.shape[0] != len(tokens):
                raise ValueError(f"{out.shape[0]} vectors for {len(tokens)} tokens")
            vecs.append(out)
            starts.append(s + w0)
            stops.append(e + w0)
        seconds = time.perf_counter() - began
        matrix = np.concatenate(vecs)
        offsets = np.stack([np.concatenate(starts), np.concatenate(stops)])
        meta = {"tokens": int(matrix.shape[0]), "seconds": seconds, "windows": len(windows)}
        np.save(vec_path, matrix.astype(np.float16))
        np.save(off_path, offsets)
        meta_path.write_text(json.dumps(meta))
        return matrix, offsets[0], offsets[1], meta


@dataclass
class Encoded:
    vectors: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def pool(self, span: Span | None) -> np.ndarray:
        """The mean vector of the tokens overlapping a character span (zeros if none)."""
        dim = self.vectors.shape[1]
        if span is None or span.end <= span.start:
            return np.zeros(dim, dtype=np.float32)
        inside = (self.starts < span.end) & (self.ends > span.start)
        if not inside.any():
            return np.zeros(dim, dtype=np.float32)
        return self.vectors[inside].mean(axis=0)


# ---------------------------------------------------------------------------------------------
# The examples of stance.training.examples, with spans and the pair's scalars kept.


@dataclass
class Item:
    """One matched candidate: its group (article), labels and both views."""

    article: int
    type: str
    polarity: str
    feats: list[str]  # classical type features (polarity adds type=...)
    enc: np.ndarray  # claim | cue | source mean vectors
    rules_type: str


@dataclass
class Pair:
    feats: list[str]
    scalars: np.ndarray
    other_vec: np.ndarray
    label: bool
    rules_pick: bool


@dataclass
class Group:
    article: int
    denial_vec: np.ndarray
    pairs: list[Pair] = field(default_factory=list)


def _bucket_free_scalars(
    d_start: int, o_start: int, sent: int, same_para: bool, rank: int
) -> np.ndarray:
    return np.array(
        [
            math.log1p(abs(d_start - o_start)),
            math.log1p(sent),
            float(same_para),
            min(rank, 10) / 10,
            float(o_start > d_start),
        ],
        dtype=np.float32,
    )


def article_items(index: int, article: GoldArticle, enc: Encoded) -> tuple[list[Item], list[Group]]:
    """Read the article as ``article_examples`` does; keep spans, vectors and pair scalars."""
    doc = parse(article.text)
    registry = ActorRegistry()
    drafts = read_by_rules(doc, split_segments(article.text), registry).drafts
    views = [view_of(doc, d) for d in drafts]
    pairs = pair_spans(
        [(d.claim.span.start, d.claim.span.end) for d in drafts],
        [g.parts or [(g.start, g.end)] for g in article.claims],
        DEFAULT_IOU,
    )
    gold_of: dict[int, GoldClaim] = {i: article.claims[j] for i, j in pairs.items()}
    stance_of = _polarities(article)
    items: list[Item] = []
    groups: list[Group] = []
    claim_vec = [enc.pool(d.claim.span) for d in drafts]
    for i, view in enumerate(views):
        gold = gold_of.get(i)
        if gold is None or gold.type is None:
            continue
        claim = view.draft.claim
        vec = np.concatenate([claim_vec[i], enc.pool(claim.cue_span), enc.pool(claim.source_span)])
        polarity = stance_of.get(gold.id, (NO_STANCE, -1))[0]
        feats = claim_features(view, registry)
        items.append(Item(index, gold.type.value, polarity, feats, vec, claim.type.value))
        if gold.type is not ClaimType.DENIAL:
            continue
        side = {view.draft.claimer_key}
        others = [
            (j, v) for j, v in enumerate(views) if v.draft.claimer_key not in side and v is not view
        ]
        others.sort(key=lambda jv: abs(jv[1].draft.claim.span.start - claim.span.start))
        group = Group(index, claim_vec[i])
        for rank, (j, other) in enumerate(others):
            answered = gold_of.get(j)
            kind = answered.type if answered and answered.type else other.draft.claim.type
            pf = pair_features(view, other, registry, side, kind, rank)
            scalars = _bucket_free_scalars(
                claim.span.start,
                other.draft.claim.span.start,
                abs(view.sentence - other.sentence),
                view.paragraph == other.paragraph,
                rank,
            )
            label = answered is not None and answered.id == gold.denies
            group.pairs.append(
                Pair(pf, scalars, claim_vec[j], label, view.draft.denied is other.draft)
            )
        groups.append(group)
    return items, groups


def check_against_examples(article: GoldArticle, items: list[Item], groups: list[Group]) -> None:
    """The rebuilt examples are exactly ``stance.training.examples.article_examples``'s."""
    ex = article_examples(article)
    mine = [(sorted(it.feats), it.type) for it in items]
    theirs = [(sorted(f), label) for f, label in ex.type]
    assert mine == theirs, f"{article.id}: type examples differ"
    assert [it.polarity for it in items] == [label for _, label in ex.polarity], article.id
    mine_links = [[(sorted(p.feats), p.label) for p in g.pairs] for g in groups]
    their_links = [[(sorted(f), label) for f, label in g] for g in ex.link]
    assert mine_links == their_links, f"{article.id}: link examples differ"


# ---------------------------------------------------------------------------------------------
# Deciders: a matrix builder per decider, fitted on a fold and applied to held-out rows.


def _lr(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, random_state=SEED)


class Design:
    """Builds (train matrix, apply) for one decider: vocab and scaler fitted on the fold."""

    def __init__(self, kind: str, rows: list[list[str]], dense: np.ndarray) -> None:
        self.kind, self.rows, self.dense = kind, rows, dense

    def fit(self, index: np.ndarray) -> Callable[[np.ndarray], Any]:
        from sklearn.preprocessing import StandardScaler

        vocab = design.vocabulary([self.rows[i] for i in index]) if self.kind != "encoder" else {}
        scaler = StandardScaler().fit(self.dense[index]) if self.kind != "classical" else None

        def build(idx: np.ndarray) -> Any:
            if self.kind == "classical":
                return design.matrix([self.rows[i] for i in idx], vocab)
            assert scaler is not None
            dense = scaler.transform(self.dense[idx]).astype(np.float64)
            if self.kind == "encoder":
                return dense
            sparse = design.matrix([self.rows[i] for i in idx], vocab)
            return np.hstack([sparse.toarray(), dense])  # dense: lbfgs is faster on it

        return build


GRIDS = {"encoder": ENC_GRID, "classical": CLS_GRID, "both": BOTH_GRID}


@dataclass
class Result:
    cv: float
    dev: float
    c: float
    threshold: float | None
    cv_right: np.ndarray
    dev_right: np.ndarray


def classify(
    design_train: Design,
    design_dev: Design,
    labels: list[str],
    dev_labels: list[str],
    groups: list[int],
) -> Result:
    """C by grouped CV accuracy; dev accuracy with the chosen C on all of train."""
    y = np.array(labels)
    folds = design.folds(groups)
    scores: dict[float, tuple[float, np.ndarray]] = {}
    for c in GRIDS[design_train.kind]:
        right = np.zeros(len(y), dtype=bool)
        for train, held in folds:
            build = design_train.fit(train)
            model = _lr(c).fit(build(train), y[train])
            right[held] = model.predict(build(held)) == y[held]
        scores[c] = (float(right.mean()), right)
    best = max(scores, key=lambda c: (round(scores[c][0], 4), -c))
    everything = np.arange(len(y))
    build = design_train.fit(everything)
    model = _lr(best).fit(build(everything), y)
    dev_right = model.predict(_transfer(design_train, design_dev, everything)) == np.array(
        dev_labels
    )
    return Result(scores[best][0], float(dev_right.mean()), best, None, scores[best][1], dev_right)


def _transfer(train_design: Design, dev: Design, index: np.ndarray) -> Any:
    """The dev matrix under the vocabulary and scaler fitted on ``train_design[index]``."""
    joined = Design(
        train_design.kind,
        train_design.rows + dev.rows,
        np.concatenate([train_design.dense, dev.dense]),
    )
    build = joined.fit(index)
    return build(np.arange(len(train_design.rows), len(joined.rows)))


def _pick_right(probs: np.ndarray, truth: int | None, t: float) -> bool:
    best = int(np.argmax(probs)) if len(probs) else None
    pick = best if best is not None and probs[best] >= t else None
    return pick == truth


def rank_links(
    design_train: Design,
    design_dev: Design,
    labels: list[bool],
    row_group: list[int],
    group_article: list[int],
    dev_labels: list[bool],
    dev_row_group: list[int],
) -> Result:
    """The pair scorer: C and threshold by grouped CV pick accuracy; dev pick accuracy."""
    y = np.array(labels)
    rg = np.array(row_group)
    article_of_row = [group_article[g] for g in row_group]
    n_groups = len(group_article)
    truth = [None] * n_groups
    for i, (g, lab) in enumerate(zip(row_group, labels, strict=True)):
        if lab:
            truth[g] = int(np.sum(rg[:i] == g))
    folds = design.folds(article_of_row)
    probs: dict[float, list[np.ndarray]] = {}
    for c in GRIDS[design_train.kind]:
        held_probs = [np.zeros(0)] * n_groups
        for train, held in folds:
            build = design_train.fit(train)
            model = _lr(c).fit(build(train), y[train])
            p = model.predict_proba(build(held))[:, list(model.classes_).index(True)]
            for g in sorted(set(rg[held])):
                held_probs[g] = p[rg[held] == g]
        probs[c] = held_probs
    table = {}
    for c in probs:
        for t in THRESHOLDS:
            right = np.array([_pick_right(probs[c][g], truth[g], t) for g in range(n_groups)])
            table[(c, t)] = (float(right.mean()), right)
    best_c, best_t = max(table, key=lambda k: (round(table[k][0], 4), -k[0], k[1]))
    everything = np.arange(len(y))
    build = design_train.fit(everything)
    model = _lr(best_c).fit(build(everything), y)
    p = model.predict_proba(_transfer(design_train, design_dev, everything))
    p = p[:, list(model.classes_).index(True)]
    drg = np.array(dev_row_group)
    dev_truth: dict[int, int | None] = {}
    for g in sorted(set(dev_row_group)):
        labs = np.array(dev_labels)[drg == g]
        dev_truth[g] = int(np.argmax(labs)) if labs.any() else None
    dev_right = np.array(
        [_pick_right(p[drg == g], dev_truth[g], best_t) for g in sorted(dev_truth)]
    )
    return Result(
        table[(best_c, best_t)][0],
        float(dev_right.mean()),
        best_c,
        best_t,
        table[(best_c, best_t)][1],
        dev_right,
    )


# ---------------------------------------------------------------------------------------------


def _sign_p(a: np.ndarray, b: np.ndarray) -> tuple[int, int, float]:
    """Discordant counts (only a right, only b right) and the exact two-sided sign test p."""
    from scipy.stats import binomtest

    only_a = int(np.sum(a & ~b))
    only_b = int(np.sum(b & ~a))
    n = only_a + only_b
    return only_a, only_b, (binomtest(only_a, n).pvalue if n else 1.0)


def build_sets(
    articles: list[GoldArticle], encoder: Encoder, label: str, check: bool
) -> tuple[list[Item], list[Group], list[dict[str, Any]]]:
    items: list[Item] = []
    groups: list[Group] = []
    metas = []
    for index, article in enumerate(articles):
        vectors, starts, ends, meta = encoder.encode(article.text)
        metas.append(meta)
        it, gr = article_items(index, article, Encoded(vectors, starts, ends))
        if check:
            check_against_examples(article, it, gr)
        items += it
        groups += gr
        print(
            f"  {label} {index + 1}/{len(articles)} {article.id}: {meta['tokens']} tokens, "
            f"{meta['seconds']:.1f} s, {len(it)} examples",
            flush=True,
        )
    return items, groups, metas


def type_design(kind: str, items: list[Item]) -> Design:
    return Design(kind, [it.feats for it in items], np.stack([it.enc for it in items]))


def polarity_design(kind: str, items: list[Item]) -> Design:
    onehot = np.array([[it.type == t for t in TYPES] for it in items], dtype=np.float32)
    dense = np.concatenate([np.stack([it.enc for it in items]), onehot], axis=1)
    return Design(kind, [[*it.feats, f"type={it.type}"] for it in items], dense)


def link_design(kind: str, groups: list[Group]) -> tuple[Design, list[bool], list[int]]:
    rows, dense, labels, row_group = [], [], [], []
    for g_index, group in enumerate(groups):
        for pair in group.pairs:
            rows.append(pair.feats)
            d, o = group.denial_vec, pair.other_vec
            dense.append(np.concatenate([d, o, d * o, pair.scalars]))
            labels.append(pair.label)
            row_group.append(g_index)
    return Design(kind, rows, np.array(dense, dtype=np.float32)), labels, row_group


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N train articles")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/encoder_cache"))
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--no-check", action="store_true", help="skip the examples check")
    args = parser.parse_args(argv)

    from stance.llm.model_store import resolve_model_path

    train_articles = load_split(GOLD, "train")[: args.limit]
    dev_articles = load_split(GOLD, "dev")
    encoder = Encoder(resolve_model_path(), args.n_ctx, args.cache)
    began = time.perf_counter()
    print(f"encoding + parsing {len(train_articles)} train and {len(dev_articles)} dev articles")
    train_items, train_groups, train_meta = build_sets(
        train_articles, encoder, "train", not args.no_check
    )
    dev_items, dev_groups, dev_meta = build_sets(dev_articles, encoder, "dev", not args.no_check)
    print(f"examples built in {time.perf_counter() - began:.0f} s", flush=True)

    kinds = ("encoder", "classical", "both")
    results: dict[str, dict[str, Result]] = {"type": {}, "polarity": {}, "link": {}}
    train_groups_ids = [it.article for it in train_items]
    for kind in kinds:
        t0 = time.perf_counter()
        results["type"][kind] = classify(
            type_design(kind, train_items),
            type_design(kind, dev_items),
            [it.type for it in train_items],
            [it.type for it in dev_items],
            train_groups_ids,
        )
        results["polarity"][kind] = classify(
            polarity_design(kind, train_items),
            polarity_design(kind, dev_items),
            [it.polarity for it in train_items],
            [it.polarity for it in dev_items],
            train_groups_ids,
        )
        tl, tlabels, trg = link_design(kind, train_groups)
        dl, dlabels, drg = link_design(kind, dev_groups)
        results["link"][kind] = rank_links(
            tl, dl, tlabels, trg, [g.article for g in train_groups], dlabels, drg
        )
        print(f"fitted {kind} in {time.perf_counter() - t0:.0f} s", flush=True)

    # references: the majority class (type, polarity) or "answers none" (link), and the rules
    def majority(train: list[str], held: list[str]) -> float:
        top = Counter(train).most_common(1)[0][0]
        return sum(h == top for h in held) / len(held)

    ref: dict[str, dict[str, tuple[float, float]]] = {"majority": {}, "rules": {}}
    for name in ("type", "polarity"):
        tr = [getattr(it, name) for it in train_items]
        dv = [getattr(it, name) for it in dev_items]
        ref["majority"][name] = (majority(tr, tr), majority(tr, dv))
    ref["rules"]["type"] = tuple(  # type: ignore[assignment]
        float(np.mean([it.rules_type == it.type for it in s])) for s in (train_items, dev_items)
    )

    def rules_link(groups: list[Group]) -> float:
        right = 0
        for g in groups:
            truth = next((i for i, p in enumerate(g.pairs) if p.label), None)
            pick = next((i for i, p in enumerate(g.pairs) if p.rules_pick), None)
            right += truth == pick
        return right / len(groups)

    def none_link(groups: list[Group]) -> float:
        return sum(not any(p.label for p in g.pairs) for g in groups) / len(groups)

    ref["rules"]["link"] = (rules_link(train_groups), rules_link(dev_groups))
    ref["majority"]["link"] = (none_link(train_groups), none_link(dev_groups))

    tokens = [m["tokens"] for m in train_meta + dev_meta]
    seconds = [m["seconds"] for m in train_meta + dev_meta]
    print()
    print(
        f"train: {len(train_articles)} articles{' (--limit)' if args.limit else ''}, "
        f"{len(train_items)} matched candidates, {len(train_groups)} denial groups "
        f"({sum(any(p.label for p in g.pairs) for g in train_groups)} with an answer), "
        f"{sum(len(g.pairs) for g in train_groups)} pairs"
    )
    print(
        f"dev:   {len(dev_articles)} articles, {len(dev_items)} matched candidates, "
        f"{len(dev_groups)} denial groups "
        f"({sum(any(p.label for p in g.pairs) for g in dev_groups)} with an answer), "
        f"{sum(len(g.pairs) for g in dev_groups)} pairs"
    )
    print()
    header = f"{'judgement':<10} {'decider':<10} {'CV train':>9} {'dev':>7}  {'C':>6} {'thr':>4}"
    print(header)
    print("-" * len(header))
    for name in ("type", "polarity", "link"):
        for kind in kinds:
            r = results[name][kind]
            thr = f"{r.threshold:.1f}" if r.threshold is not None else ""
            print(f"{name:<10} {kind:<10} {r.cv:>9.3f} {r.dev:>7.3f}  {r.c:>6g} {thr:>4}")
        for ref_name in ("rules", "majority"):
            if name in ref[ref_name]:
                cv, dev = ref[ref_name][name]
                label = ref_name if name != "link" or ref_name == "rules" else "none"
                print(f"{name:<10} {label:<10} {cv:>9.3f} {dev:>7.3f}  (reference, no fit)")
        print()
    print("paired (only the first right / only the second right, exact sign-test p):")
    for name in ("type", "polarity", "link"):
        r = results[name]
        for a, b in (("encoder", "classical"), ("both", "classical"), ("both", "encoder")):
            cv = _sign_p(r[a].cv_right, r[b].cv_right)
            dv = _sign_p(r[a].dev_right, r[b].dev_right)
            print(
                f"  {name:<9} {a} vs {b:<9}  CV {cv[0]:>3}/{cv[1]:<3} p={cv[2]:.3f}   "
                f"dev {dv[0]:>3}/{dv[1]:<3} p={dv[2]:.3f}"
            )
    print()
    print(
        f"encoder pass ({THREADS} threads, n_ctx {args.n_ctx}): {np.mean(seconds):.1f} s per "
        f"article (median {np.median(seconds):.1f}, max {np.max(seconds):.1f}); "
        f"{np.mean(tokens):.0f} tokens per article (median {np.median(tokens):.0f}, "
        f"max {np.max(tokens)}); {np.sum(tokens) / np.sum(seconds):.1f} tokens/s; "
        f"{len(tokens)} articles, times as measured when each was first encoded (cache)"
    )
    print(f"total wall time of this run: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # the heads fit on one core; the model uses two
        sys.exit(main(sys.argv[1:]))
