"""The gold set's splits: which folders train, which choose, which are held out.

Train on train, choose on dev, look at test once. The split file (`evals/gold/splits.json`)
names the folders of each split, so a learner can load `train` without ever listing a test
folder, and the checker can prove that no article sits in two splits, by name or by text:
the same article copied under a new name is caught by the hash of its text.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from stance.errors import InputError
from stance.evaluation.gold import GoldArticle, load_gold_dir

__all__ = [
    "SPLITS",
    "load_split",
    "split_folders",
    "split_overlaps",
    "text_hash",
]

SPLITS = ("train", "dev", "test")
SPLIT_FILE = "splits.json"


def split_folders(root: Path) -> dict[str, list[Path]]:
    """Each split's folders, from `root/splits.json` (paths relative to root)."""
    path = root / SPLIT_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a usable split file: {exc}") from exc
    missing = [name for name in SPLITS if name not in raw]
    if missing:
        raise InputError(f"{path}: no {', '.join(missing)} split")
    return {name: [root / folder for folder in raw[name]] for name in SPLITS}


def load_split(root: Path, name: str) -> list[GoldArticle]:
    """Every article of one split, folder by folder, in name order."""
    folders = split_folders(root)
    if name not in folders:
        raise InputError(f"no split {name!r}; the splits are {', '.join(SPLITS)}")
    return [article for folder in folders[name] for article in load_gold_dir(folder)]


def text_hash(text: str) -> str:
    """The article's text, whitespace-normalised, as sha256: a renamed copy hashes the same."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def split_overlaps(root: Path) -> list[str]:
    """Every article found in two splits (or twice in one), by id or by text hash."""
    seen_id: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    found: list[str] = []
    for name, folders in split_folders(root).items():
        for folder in folders:
            for article in load_gold_dir(folder):
                where = f"{name}:{folder.relative_to(root)}/{article.id}"
                digest = text_hash(article.text)
                if article.id in seen_id:
                    found.append(f"{where}: the id is also {seen_id[article.id]}")
                if digest in seen_text:
                    found.append(f"{where}: the text is also {seen_text[digest]}")
                seen_id.setdefault(article.id, where)
                seen_text.setdefault(digest, where)
    return found


def main(argv: list[str]) -> int:
    """`python -m stance.evaluation.splits [ROOT]`: split sizes and overlaps; exit 1 if any."""
    root = Path(argv[0] if argv else "evals/gold")
    try:
        overlaps = split_overlaps(root)
        for name in SPLITS:
            print(f"{name}: {len(load_split(root, name))} articles")
    except InputError as exc:
        print(exc)
        return 1
    for line in overlaps:
        print(line)
    return 1 if overlaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
