"""The rule-based attribution finder on PolNeAR, scored with the peers' matching rule.

    /work/rules-venv/bin/python benchmarks/rules_polnear.py [--split train|dev] [--limit N]
        [--seed S] [--root DIR] [--discontinuous parts|extent] [--errors N]

The peers' rule (as used for GenderGapTracker's quote extractor on PolNeAR): a predicted
content span matches a gold Content span when their overlap covers at least half of the
shorter of the two; pairs are matched one-to-one, greedily by overlap, largest first.
Precision = matched / predicted, recall = matched / gold.

A discontinuous gold Content ("A" ... "B" around its own "he said") counts by the sum of its
parts by default (overlap is summed over parts, length is the parts' total); ``--discontinuous
extent`` uses the span from its first to its last character instead. Predicted candidates are
treated the same way (their ``content_parts`` or their ``content``).

Named-source accuracy is over matched pairs whose gold Source has a word other than a pronoun,
a generic source word ("officials", "sources") or a function word; a pair is right when the
candidate's source name (a pronoun's resolved antecedent) shares such a word with the gold
Source text.

One annotator per article: the first .ann file in sorted order (the corpus README's advice).
``--errors N`` prints N missed gold spans and N unmatched predictions to the terminal.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stance.reading.find.candidates import Candidate, find_candidates  # noqa: E402
from stance.reading.find.document import parse  # noqa: E402

DEFAULT_ROOT = Path("/work/shared/benchmarks/polnear")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Fixed here, not taken from the tunable lexicon: the scoring rule must not move with tuning.
PRONOUNS = _words(
    """he she him her his hers i me my we us our they them their it its you your who whom
    which that this these those himself herself themselves itself one"""
)
GENERIC = _words(
    """source sources official officials aide aides critic critics expert experts analyst
    analysts people some many others other several most few advisers advisors adviser
    advisor supporters supporter voters voter observers spokesman spokeswoman spokesperson
    protesters lawmakers lawmaker republicans democrats americans polls poll police
    activists economists researchers scientists witnesses residents members leaders groups
    attorneys lawyers insiders allies opponents strategists donors staffers readers someone
    everyone anyone nobody person persons man woman men women group"""
)
FUNCTION_WORDS = _words(
    """the a an of for to in on at by from with and or but as s 's also both all any each
    another such no not"""
)
_WORD = re.compile(r"[A-Za-z0-9]+")

Parts = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldEvent:
    content: Parts
    source: str | None


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    events: tuple[GoldEvent, ...]


def load_split(root: Path, split: str) -> list[Article]:
    """Every article of ``split`` with the events of its first annotator file."""
    folder = root / split
    chosen: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        chosen.setdefault(ann.name.rsplit("_", 1)[0], ann)
    articles = []
    for name, ann in sorted(chosen.items()):
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        articles.append(Article(name, text, parse_ann(ann.read_text(encoding="utf-8"))))
    return articles


def parse_ann(ann: str) -> tuple[GoldEvent, ...]:
    """The E lines with a Content: its parts (all Content arguments) and the Source text."""
    spans: dict[str, tuple[Parts, str]] = {}
    lines = ann.splitlines()
    for line in lines:
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 3:
            try:
                offsets = cols[1].split(" ", 1)[1]
                parts = tuple(
                    (int(a), int(b)) for a, b in (seg.split() for seg in offsets.split(";"))
                )
            except (IndexError, ValueError):
                continue
            spans[cols[0]] = (parts, cols[2])
    events = []
    for line in lines:
        if not line.startswith("E"):
            continue
        roles: dict[str, list[str]] = {}
        for arg in line.partition("\t")[2].split()[1:]:
            role, _, tid = arg.partition(":")
            roles.setdefault(role.rstrip("0123456789"), []).append(tid)
        parts = tuple(
            sorted(p for t in roles.get("Content", []) if t in spans for p in spans[t][0])
        )
        if not parts:
            continue
        src = roles.get("Source", [])
        source = spans[src[0]][1] if src and src[0] in spans else None
        events.append(GoldEvent(parts, source))
    return tuple(events)


def _size(parts: Parts) -> int:
    return sum(e - s for s, e in parts)


def _overlap(a: Parts, b: Parts) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _extent(parts: Parts) -> Parts:
    return ((parts[0][0], parts[-1][1]),)


def match(pred: list[Parts], gold: list[Parts]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index), greedy by overlap, each covering at least
    half of the shorter span."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            ov = _overlap(p, g)
            if ov and ov >= 0.5 * min(_size(p), _size(g)):
                pairs.append((ov, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def content_words(text: str) -> set[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return words - PRONOUNS - GENERIC - FUNCTION_WORDS


def named(source: str | None) -> bool:
    """A gold Source that names someone: some word is not a pronoun, generic or function word."""
    return bool(source) and bool(content_words(source or ""))


def source_right(cand: Candidate, gold_source: str) -> bool:
    name = cand.source_name or (cand.source.text if cand.source else "")
    return bool(content_words(name) & content_words(gold_source))


def _show(text: str, parts: Parts, label: str) -> None:
    s, e = parts[0][0], parts[-1][1]
    print(f"  {label}: ...{text[max(0, s - 80) : s]!r} [[{text[s:e]!r}]] {text[e : e + 40]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("train", "dev"), default="train")
    ap.add_argument("--limit", type=int, default=0, help="a random sample of N articles")
    ap.add_argument("--seed", type=int, default=0, help="seed of the --limit sample")
    ap.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--discontinuous", choices=("parts", "extent"), default="parts")
    ap.add_argument("--errors", type=int, default=0, help="print N misses and N false alarms")
    args = ap.parse_args(argv)

    articles = load_split(args.root, args.split)
    if args.limit and args.limit < len(articles):
        articles = sorted(
            random.Random(args.seed).sample(articles, args.limit), key=lambda a: a.name
        )

    n_pred = n_gold = n_match = named_total = named_right = 0
    seconds = 0.0
    kinds: Counter[str] = Counter()
    kinds_hit: Counter[str] = Counter()
    misses: list[tuple[str, Parts]] = []
    alarms: list[tuple[str, Parts, str]] = []
    parse(".")  # load spaCy before timing
    for art in articles:
        t0 = time.perf_counter()
        cands = find_candidates(parse(art.text))
        seconds += time.perf_counter() - t0
        if args.discontinuous == "extent":
            pred = [_extent(tuple((p.start, p.end) for p in c.content_parts)) for c in cands]
            gold = [_extent(ev.content) for ev in art.events]
        else:
            pred = [tuple((p.start, p.end) for p in c.content_parts) for c in cands]
            gold = [ev.content for ev in art.events]
        pairs = match(pred, gold)
        n_pred += len(pred)
        n_gold += len(gold)
        n_match += len(pairs)
        kinds.update(c.kind.value for c in cands)
        kinds_hit.update(cands[i].kind.value for i, _ in pairs)
        for i, j in pairs:
            gold_source = art.events[j].source
            if gold_source is not None and named(gold_source):
                named_total += 1
                named_right += source_right(cands[i], gold_source)
        hit_p = {i for i, _ in pairs}
        hit_g = {j for _, j in pairs}
        misses += [(art.text, gold[j]) for j in range(len(gold)) if j not in hit_g]
        alarms += [
            (art.text, pred[i], f"{cands[i].kind.value} cue={cands[i].cue.text!r}")
            for i in range(len(pred))
            if i not in hit_p
        ]

    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = named_right / named_total if named_total else 0.0
    print(f"split={args.split} articles={len(articles)} discontinuous={args.discontinuous}")
    print(f"predicted={n_pred} gold={n_gold} matched={n_match}")
    print(f"P={p:.3f} R={r:.3f} F1={f1:.3f}")
    print(f"named-source accuracy={acc:.3f} ({named_right}/{named_total})")
    print(f"seconds/article={seconds / max(1, len(articles)):.3f} (parse + candidates)")
    print(
        "by kind (predicted, matched): "
        + ", ".join(f"{k} {kinds[k]}/{kinds_hit[k]}" for k in sorted(kinds))
    )
    if args.errors:
        rng = random.Random(args.seed)
        print("\nmissed gold content:")
        for text, parts in rng.sample(misses, min(args.errors, len(misses))):
            _show(text, parts, "gold")
        print("\nunmatched predictions:")
        for text, parts, why in rng.sample(alarms, min(args.errors, len(alarms))):
            _show(text, parts, why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
