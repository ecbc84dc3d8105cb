"""The judges of the claims code finds: ``learned`` (the shipped heads), ``model`` (an
endpoint answering by pointer) and ``rules``, on an article written for these tests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fake_provider import completion, fake_model
from openai.types.chat import ChatCompletion

from stance.api import build_extractor
from stance.evaluation.gold import load_gold_dir
from stance.evaluation.splits import load_split
from stance.reading.find.actors import ActorRegistry
from stance.reading.find.document import parse
from stance.reading.find.segments import split_segments
from stance.reading.judge.learned import HEADS_DIR, load_heads, sides_of
from stance.reading.judge.rules_reader import read_by_rules
from stance.schema import Article, ClaimType, Extraction
from stance.training.examples import article_examples
from stance.training.fit import data_hash, fit_heads

ROOT = Path(__file__).parents[1]
ROW = """Council denies hiding flood report

Opposition councillor Mara Vint accused the council of hiding a flood report from residents \
for two years.

The council's chief executive, Tom Reyes, denied that any report had been withheld. "Every \
page was published on our website in March," he said.

Vint said the council should publish the engineers' original findings by Friday.
"""


def extract(text: str, judge: str, model: str | None = None) -> Extraction:
    extractor = build_extractor(model, prompt=None if model else "rules-v1", judge=judge)
    return extractor.extract(Article(id="t", text=text))


def by_words(record: Extraction, words: str) -> Any:
    return next(c for c in record.claims if words in c.quote)


def test_the_learned_judge_links_a_denial_and_names_its_heads() -> None:
    record = extract(ROW, "learned")
    accusation = by_words(record, "hiding a flood report")
    denial = by_words(record, "any report had been withheld")
    assert denial.type is ClaimType.DENIAL
    assert denial.denies == accusation.id
    heads = load_heads()
    assert record.provenance.judge == {
        "judge": "learned",
        "heads_version": heads.version,
        "heads_data_hash": heads.data_hash,
    }
    names = {a.name for a in record.actors}
    for stance in record.stances:  # by pointer: words of the article or an actor's name
        assert stance.target in record.text or stance.target in names, stance


def test_a_spokesperson_speaks_for_the_body_she_names_so_never_denies_it() -> None:
    # the learned judge never links a denial to a claim of the denier's own side
    text = (
        "Ferry firm rejects union claims\n\n"
        "Kestrel Ferries said in March that its crews had finished a new training course.\n\n"
        "The seafarers' union accused Kestrel Ferries of cutting the training to two days.\n\n"
        "Anna Berg, a spokesperson for Kestrel Ferries, denied that the training had been cut.\n"
    )
    doc = parse(text)
    registry = ActorRegistry()
    drafts = read_by_rules(doc, split_segments(text), registry).drafts
    denial = next(d for d in drafts if "training had been cut" in d.claim.quote)
    firm = registry.known("Kestrel Ferries")
    assert firm is not None and firm in sides_of(denial)
    record = extract(text, "learned")
    own = by_words(record, "finished a new training course")
    assert by_words(record, "training had been cut").denies != own.id


def test_the_rules_reader_keeps_the_rules_judge_unless_asked() -> None:
    assert extract(ROW, "rules").provenance.judge == {"judge": "rules"}
    rules = build_extractor(prompt="rules-v1").extract(Article(id="t", text=ROW))
    assert rules.provenance.judge == {"judge": "rules"}


def test_the_model_judge_answers_by_number_and_only_numbers_shown_exist() -> None:
    requests: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> ChatCompletion:
        requests.append(kwargs)
        claims = [
            line for line in kwargs["messages"][-1]["content"].splitlines() if line[:1] == "C"
        ]
        answer = {f"C{i}": {"type": "assertion"} for i in range(1, len(claims) + 1)}
        first = next(i for i, line in enumerate(claims, 1) if "hiding" in line)
        second = next(i for i, line in enumerate(claims, 1) if "withheld" in line)
        answer[f"C{first}"] = {"type": "accusation", "polarity": "against", "target": "P1"}
        answer[f"C{second}"] = {"type": "denial", "denies": f"C{first}", "polarity": "against"}
        return completion(json.dumps(answer))

    record = extract(ROW, "model", fake_model("judge", create))

    assert len(requests) == 1  # one call for the article
    shown = [line.split()[0] for line in requests[0]["messages"][-1]["content"].splitlines()
             if line[:1] == "C"]  # fmt: skip
    schema = requests[0]["response_format"]["json_schema"]["schema"]
    for decision in schema["$defs"].values():  # a link can only name a claim shown
        assert decision["properties"]["denies"]["enum"] == [*shown, "none"]
    accusation = by_words(record, "hiding a flood report")
    denial = by_words(record, "any report had been withheld")
    assert (accusation.type, denial.type) == (ClaimType.ACCUSATION, ClaimType.DENIAL)
    assert denial.denies == accusation.id
    assert accusation.topic and accusation.topic in record.text  # a phrase, by pointer
    assert record.provenance.judge["judge"] == "model"


def test_a_failed_model_judge_keeps_the_rules_judgement_and_says_so() -> None:
    def create(**kwargs: Any) -> ChatCompletion:
        return completion("not json at all")

    record = extract(ROW, "model", fake_model("broken-judge", create))
    reference = extract(ROW, "rules")
    assert [(c.quote, c.type) for c in record.claims] == [
        (c.quote, c.type) for c in reference.claims
    ]
    assert record.errors and "rules' judgement is kept" in record.errors[0].message


def test_the_shipped_heads_were_trained_on_todays_training_split() -> None:
    card = json.loads((HEADS_DIR / "heads.json").read_text(encoding="utf-8"))
    assert card["data_hash"] == data_hash(load_split(ROOT / "evals" / "gold", "train"))
    for name, digest in card["heads"].items():
        path = HEADS_DIR / f"{name}.json.gz"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name


def test_training_twice_on_the_same_articles_writes_the_same_bytes(tmp_path: Path) -> None:
    articles = load_gold_dir(ROOT / "evals" / "gold" / "dev2")  # small and fast, not train
    examples = [article_examples(a) for a in articles]
    fit_heads(examples, articles, tmp_path / "one")
    fit_heads(examples, articles, tmp_path / "two")
    for path in sorted((tmp_path / "one").iterdir()):
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name


def test_heads_retrained_on_the_same_data_by_changed_code_are_a_new_version(
    tmp_path: Path,
) -> None:
    # a record's provenance names the heads that judged it: the version must tell apart
    # heads fitted on the same articles with other features, not only other data
    articles = load_gold_dir(ROOT / "evals" / "gold" / "dev2")
    examples = [article_examples(a) for a in articles]
    first = fit_heads(examples, articles, tmp_path / "one")
    for ex in examples:
        ex.type = [([*feats, "a_new_feature"], label) for feats, label in ex.type]
    second = fit_heads(examples, articles, tmp_path / "two")
    assert first["data_hash"] == second["data_hash"]
    assert first["version"] != second["version"]


def test_the_model_judge_reuses_its_answer_classes() -> None:
    """A batch judged by an endpoint keeps its memory flat: the answer model of one shape
    is one class, so the client's schema cache holds one schema per shape, not per call
    (a class per call grew a 4,000-article run from 251 to 372 MiB)."""
    from stance.llm.client import _json_schema
    from stance.reading.judge.model_judge import judge_answer_model

    first = judge_answer_model(3, [2, 0, 1])
    assert judge_answer_model(3, (2, 0, 1)) is first
    assert judge_answer_model(3, [2, 1, 1]) is not first
    _json_schema(first)
    held = _json_schema.cache_info().currsize
    for _ in range(50):
        _json_schema(judge_answer_model(3, [2, 0, 1]))
    assert _json_schema.cache_info().currsize == held
