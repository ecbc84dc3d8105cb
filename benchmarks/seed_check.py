"""Score one extraction of the seed article against its hand labelling.

Usage: python benchmarks/seed_check.py OUT.jsonl [../shared/seed/blinken-china.expected.json]

Prints, per reference claim, whether a predicted claim overlaps its quote (character
overlap over the shorter span >= 0.5), whether the claimer is right, and which
reference denial links were recovered. A stopgap until the eval suite lands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stance.evaluation.article_scoring import iou
from stance.schema import Extraction, parse_record


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(1, min(a[1] - a[0], b[1] - b[0]))


def same_actor(gold: dict[str, object], name: str) -> bool:
    forms = {str(gold["name"]).lower(), *(str(m).lower() for m in gold["mentions"])}  # type: ignore[attr-defined]
    name = name.lower()
    return name in forms or any(name in f or f.endswith(name.split()[-1]) for f in forms)


def main() -> None:
    out = Path(sys.argv[1])
    gold_path = Path(
        sys.argv[2] if len(sys.argv) > 2 else "../shared/seed/blinken-china.expected.json"
    )
    gold = json.loads(gold_path.read_text())
    record = next(
        r for r in map(parse_record, out.read_text().splitlines()) if isinstance(r, Extraction)
    )
    text = record.text
    actors = {a["id"]: a for a in gold["actors"]}
    names = {a.id: a.name for a in record.actors}
    found = right = 0
    pred_of: dict[str, str] = {}
    for g in gold["claims"]:
        start = text.find(g["quote"])
        span = (start, start + len(g["quote"]))
        # the claim covering most of the reference, the closer fit on a tie: a denial
        # reported inside another speaker's words lies wholly inside both claims
        best = max(
            record.claims,
            key=lambda c: (
                overlap(span, (c.span.start, c.span.end)),
                iou(span, (c.span.start, c.span.end)),
            ),
            default=None,
        )
        ok = best is not None and overlap(span, (best.span.start, best.span.end)) >= 0.5
        who = ok and best is not None and same_actor(actors[g["claimer"]], names[best.claimer])
        found += ok
        right += bool(who)
        if ok and best is not None:
            pred_of[g["id"]] = best.id
        shown = (best.id, names.get(best.claimer, "-")) if ok and best else ("-", "")
        verdict = f"{'found' if ok else 'MISS '} {'claimer-ok' if who else 'claimer-NO'}"
        print(f"{g['id']:>4} {verdict}  {shown[0]:>4} {shown[1]}")
    links = [(g["id"], g["denies"]) for g in gold["claims"] if g.get("denies")]
    by_id = {c.id: c for c in record.claims}
    got = [
        f"{d}->{t}"
        for d, t in links
        if d in pred_of and t in pred_of and by_id[pred_of[d]].denies == pred_of[t]
    ]
    predicted_links = sum(1 for c in record.claims if c.denies)
    print(f"reference claims found: {found}/{len(gold['claims'])}; with right claimer: {right}")
    print(f"predicted claims: {len(record.claims)}; rejected: {len(record.rejected)}")
    print(
        f"denial links: {len(got)}/{len(links)} recovered {got}; predicted links: {predicted_links}"
    )
    usage = record.provenance.usage
    print(
        f"latency {record.provenance.latency_s:.1f}s; "
        f"tokens {usage.prompt_tokens}+{usage.completion_tokens}; "
        f"calls {usage.calls} cached {usage.cached_calls}"
    )


if __name__ == "__main__":
    main()
