"""Fill a labeller's gold file with offsets computed from the text, then check it.

Labellers write `NAME.txt` and `NAME.gold.json` with quotes but no offsets; this computes
`start`/`end` (claims, non-claims) and `target_start`/`target_end` (issue stances) by finding
the exact quote in the text, so no offset is ever typed by hand. Where a quote occurs more than
once the labeller adds `"occurrence": N` (0-based) to pick one; the key is removed once used.

It needs only the standard library (labellers run it before the project is installed):

    python3 tools/gold_fill.py evals/gold/train            # fill and check every file
    python3 tools/gold_fill.py evals/gold/train --check    # check only, write nothing

The full validator is `python -m stance.evaluation.gold DIR` (pydantic, the project's models).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

TYPES = {
    "assertion",
    "accusation",
    "denial",
    "commitment",
    "warning",
    "demand",
    "prediction",
    "opinion",
}
TARGETED = {"accusation", "denial", "demand"}
REGISTERS = {
    "wire",
    "feature",
    "interview",
    "press_release",
    "live_blog",
    "court",
    "sport",
    "business",
    "science",
    "local_politics",
}
CASES = {
    "denial_without_deny",
    "denial_before_accusation",
    "denial_far_from_accusation",
    "partial_denial",
    "two_denials",
    "unnamed_source",
    "spokesperson",
    "capital_for_government",
    "negation_not_denial",
    "hedge",
}
NON_CLAIM_KINDS = {"headline", "slogan", "sign", "anonymous_post", "instruction", "other"}


def read_text(path: Path) -> str:
    """The text as the project reads it: BOM dropped, line endings normalised, NFC."""
    raw = path.read_text(encoding="utf-8").lstrip("\ufeff")
    return unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))


def locate(text: str, item: dict[str, object], key: str, problems: list[str], where: str) -> None:
    """Set item's offsets from its quote; a problem when absent or ambiguous."""
    quote = item.get(key)
    if not isinstance(quote, str) or not quote:
        problems.append(f"{where}: no {key}")
        return
    hits = [i for i in range(len(text)) if text.startswith(quote, i)]
    occurrence = item.pop("occurrence", None)
    start_key, end_key = ("start", "end") if key == "quote" else ("target_start", "target_end")
    if isinstance(item.get(start_key), int) and text[item[start_key] : item[end_key]] == quote:  # type: ignore[index,misc]
        return
    if not hits:
        problems.append(f"{where}: {key} {quote!r} is not in the text")
        return
    if occurrence is None and len(hits) > 1:
        problems.append(f"{where}: {key} {quote!r} occurs {len(hits)} times; add occurrence")
        return
    index = hits[int(occurrence or 0)] if int(occurrence or 0) < len(hits) else hits[-1]  # type: ignore[call-overload]
    item[start_key], item[end_key] = index, index + len(quote)


def fill(label_path: Path, write: bool) -> list[str]:
    """Compute offsets in one gold file and return everything wrong with it."""
    text = read_text(label_path.with_name(label_path.name.removesuffix(".gold.json") + ".txt"))
    data = json.loads(label_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    actors = {a["id"]: a for a in data.get("actors", [])}
    claims = {c["id"]: c for c in data.get("claims", [])}
    if data.get("id") != label_path.name.removesuffix(".gold.json"):
        problems.append("id must equal the file name")
    if data.get("register") not in REGISTERS:
        problems.append(f"register {data.get('register')!r} not one of {sorted(REGISTERS)}")
    for actor in actors.values():
        problems += [
            f"{actor['id']}: mention {m!r} not in text"
            for m in actor.get("mentions", [])
            if m not in text
        ]
    for claim in claims.values():
        where = claim["id"]
        locate(text, claim, "quote", problems, where)
        if "\n\n" in claim.get("quote", ""):
            problems.append(f"{where}: quote crosses a paragraph break")
        if claim.get("claimer") not in actors:
            problems.append(f"{where}: claimer {claim.get('claimer')!r} is not an actor")
        if claim.get("type") not in TYPES:
            problems.append(f"{where}: type {claim.get('type')!r} unknown")
        if not isinstance(claim.get("hedged"), bool):
            problems.append(f"{where}: hedged must be true or false")
        denies = claim.get("denies")
        if denies is not None and (denies not in claims or claim.get("type") != "denial"):
            problems.append(f"{where}: denies {denies!r} must name another claim, on a denial")
        target_actor = claim.get("target_actor")
        if target_actor is not None and target_actor not in actors:
            problems.append(f"{where}: target_actor {target_actor!r} is not an actor")
        if claim.get("type") in TARGETED and "target_actor" not in claim:
            problems.append(f"{where}: a {claim.get('type')} needs target_actor (id or null)")
        problems += [
            f"{where}: unknown case {c!r}" for c in claim.get("cases", []) if c not in CASES
        ]
    for i, stance in enumerate(data.get("stances", [])):
        where = f"stance {i}"
        if stance.get("holder") not in actors:
            problems.append(f"{where}: holder {stance.get('holder')!r} is not an actor")
        if stance.get("polarity") not in {"favor", "against", "neutral"}:
            problems.append(f"{where}: polarity must be favor, against or neutral")
        problems += [
            f"{where}: evidence {e} is not a claim"
            for e in stance.get("evidence", [])
            if e not in claims
        ]
        basis = stance.get("basis", "claims")
        if (basis == "action") == bool(stance.get("evidence")):
            problems.append(f"{where}: claims-based stances need evidence, action-based have none")
        if stance.get("target_actor") is not None:
            if stance["target_actor"] not in actors:
                problems.append(f"{where}: target_actor is not an actor")
        else:
            locate(text, stance, "target", problems, where)
    for i, item in enumerate(data.get("non_claims", [])):
        locate(text, item, "quote", problems, f"non_claim {i}")
        if item.get("kind") not in NON_CLAIM_KINDS:
            problems.append(f"non_claim {i}: kind {item.get('kind')!r} unknown")
    if write:
        label_path.write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return problems


def print_counts(files: list[Path]) -> None:
    """Claims per type, denial links, cases, non-claims and registers over the files."""
    from collections import Counter

    types: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    registers: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    links = claims = actor_stances = issue_stances = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        registers[str(data.get("register"))] += 1
        for claim in data.get("claims", []):
            claims += 1
            types[claim.get("type")] += 1
            links += claim.get("denies") is not None
            cases.update(claim.get("cases", []))
        kinds.update(n.get("kind") for n in data.get("non_claims", []))
        for stance in data.get("stances", []):
            if stance.get("target_actor") is None:
                issue_stances += 1
            else:
                actor_stances += 1
    print(f"articles {len(files)}  claims {claims}  denial links {links}")
    print(f"stances toward actors {actor_stances}, toward issues {issue_stances}")
    print("types:", dict(sorted(types.items())))
    print("cases:", dict(sorted(cases.items())))
    print("non-claims:", dict(sorted(kinds.items())))
    print("registers:", dict(sorted(registers.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="gold files or folders of them")
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    parser.add_argument(
        "--counts", action="store_true", help="print counts per type, case, register"
    )
    args = parser.parse_args(argv)
    files = [f for p in args.paths for f in (sorted(p.glob("*.gold.json")) if p.is_dir() else [p])]
    bad = 0
    for path in files:
        found = fill(path, write=not args.check)
        bad += bool(found)
        for problem in found:
            print(f"{path.name}: {problem}")
    print(f"{len(files)} files, {bad} with problems")
    if args.counts:
        print_counts(files)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
