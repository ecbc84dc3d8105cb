"""Articles written by code for the engine tests and benchmarks: the same set every run.

The process pool and Ray must give the same records as the thread runner, so they are
compared on one set of articles with every kind of quote the rules reader handles: said,
denied, warned, a pronoun ("she added") resolved to the last person named, a paraphrase
with "according to", and narration without a reporting verb.

    python tests/scale_articles.py 50 OUT.jsonl    # writes 50 {"id", "text"} lines
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

PEOPLE = [
    ("Mira Okafor", "she", "a borough councillor"),
    ("Paul Henning", "he", "chief executive of Dunmore Dredging"),
    ("Ines Varga", "she", "the harbour master"),
    ("Tomas Rielly", "he", "who chairs the inquiry"),
    ("Lena Sorvik", "she", "an organiser for the Dockworkers' Union"),
    ("Edwin Achterberg", "he", "the transport minister"),
]
SUBJECTS = ["the dredging contract", "the harbour budget", "the silt survey", "the quay wall"]


def article(n: int) -> dict[str, str]:
    """Article ``n``: a headline and five paragraphs, chosen by a seeded generator."""
    rng = random.Random(n)
    (a, a_pron, a_role), (b, _, b_role) = rng.sample(PEOPLE, 2)
    subject, other = rng.sample(SUBJECTS, 2)
    paragraphs = [
        f"Inquiry hears dispute over {subject} ({n})",
        f"“The figures for {subject} were changed after the vote,” said {a}, {a_role}. "
        f"“Nobody on the council saw the final version,” {a_pron} added.",
        f"{b}, {b_role}, denied that any figures had been altered. “Every number was "
        f"published in March,” {b.split()[1]} said.",
        f"Work on {other} continued through the week while divers inspected section {n * 7 % 41}.",
        f"{a.split()[1]} warned that the inquiry would “find the same gaps in {other}” "
        "if the documents stayed closed.",
        f"According to {b}, the next hearing is set for {rng.choice(['May', 'June', 'July'])}.",
    ]
    return {"id": f"harbour-{n:03d}", "text": "\n\n".join(paragraphs) + "\n"}


def write_jsonl(path: Path, count: int, start: int = 0) -> list[str]:
    """``count`` articles as JSONL at ``path``; returns their ids."""
    rows = [article(n) for n in range(start, start + count)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return [r["id"] for r in rows]


if __name__ == "__main__":
    write_jsonl(Path(sys.argv[2]), int(sys.argv[1]))
