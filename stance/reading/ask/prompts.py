"""Prompt templates as versioned data files under prompts/, validated when loaded.

A template's sha256 goes into every output record and every cache key, so changing a
single character of a prompt is visible in results and never served from stale cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, ValidationError

from stance.errors import PromptError
from stance.reading.ask.answers import AnswerClaim, ParagraphAnswer
from stance.schema import PromptInfo

__all__ = [
    "DEFAULT_PROMPT",
    "AskPer",
    "Message",
    "PromptExample",
    "PromptTemplate",
    "Reader",
    "Shot",
    "default_prompt",
    "list_prompts",
    "load_prompt",
    "prompts_dir",
]

DEFAULT_PROMPT = "claims-v11"
Message = dict[str, str]


class PromptExample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead: str = ""
    previous: str = ""
    speakers: str = ""
    last_person: str = ""
    paragraph: str
    claims: list[AnswerClaim]


# How a prompt file's reader works: "paragraph" asks the model to copy claims out of each
# paragraph (claims@2..4); "rules" asks no model and keeps the candidates code finds;
# "pointer" shows the model those candidates, numbered, and takes its decisions by number;
# "questions" asks one short question per candidate (type, what it denies, topic, stance).
Reader = Literal["paragraph", "rules", "pointer", "questions"]

# What one question of the questions reader covers: one candidate (claims@7, @9), or all the
# candidates of one speaker in one paragraph, which then share what they are about (claims@11).
AskPer = Literal["candidate", "speaker"]


class Shot(BaseModel):
    """A few-shot turn of a pointer prompt: the user message and the answer, as sent."""

    model_config = ConfigDict(extra="forbid")

    user: str
    assistant: str


class _PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    description: str = ""
    reader: Reader = "paragraph"
    system: str = ""
    user: str = "{{ paragraph }}"
    reask: str = ""
    second_look: str | None = None
    examples: list[PromptExample] = []
    shots: list[Shot] = []
    window: int = 3  # pointer reader: paragraphs read per call
    decision_order: list[str] = ["speaker", "type", "hedged", "stance", "target", "denies"]
    show_type: bool = True  # pointer reader: show code's type guess in each candidate line
    follow_up: str = ""  # questions reader: the question asked of a denial (none: code links)
    stance_by_type: bool = False  # questions reader: a type that implies the stance sets it
    ask_per: AskPer = "candidate"  # questions reader: one question per candidate, or per speaker


def prompts_dir() -> Path:
    """$STANCE_PROMPTS_DIR, else the prompts/ folder of this checkout."""
    env = os.environ.get("STANCE_PROMPTS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "prompts"


@dataclass(frozen=True)
class PromptTemplate:
    """A loaded, validated prompt: renders the messages for one paragraph."""

    name: str
    version: str
    sha256: str
    path: Path
    system: str
    user_template: str
    reask_template: str
    examples: tuple[PromptExample, ...]
    second_look: str | None = None  # asked when a paragraph with reported speech got nothing
    reader: Reader = "paragraph"
    shots: tuple[Shot, ...] = ()
    window: int = 3
    decision_order: tuple[str, ...] = ("speaker", "type", "hedged", "stance", "target", "denies")
    show_type: bool = True
    follow_up: str = ""
    stance_by_type: bool = False
    ask_per: AskPer = "candidate"

    @property
    def info(self) -> PromptInfo:
        return PromptInfo(name=self.name, version=self.version, hash=self.sha256)

    def _render(self, template: str, **values: Any) -> str:
        return _compiled(template).render(**values)

    def prefix(self) -> list[Message]:
        """System message and few-shot turns: identical for every paragraph."""
        return [dict(m) for m in self._prefix]

    @cached_property
    def _prefix(self) -> tuple[Message, ...]:
        """Rendered once per template: the prefix is on every model call's path."""
        messages: list[Message] = [{"role": "system", "content": self.system}]
        for shot in self.shots:
            messages.append({"role": "user", "content": shot.user})
            messages.append({"role": "assistant", "content": shot.assistant})
        for example in self.examples:
            messages.append(
                {
                    "role": "user",
                    "content": self._render(
                        self.user_template,
                        **example.model_dump(exclude={"claims"}),
                    ),
                }
            )
            answer = ParagraphAnswer(claims=example.claims)
            messages.append({"role": "assistant", "content": answer.model_dump_json()})
        return tuple(messages)

    def messages(self, *, paragraph: str, **context: str) -> list[Message]:
        """Prefix plus the paragraph's user turn; unknown context keys render as empty."""
        values = {
            "lead": "", "previous": "", "speakers": "", "last_person": "",
            "actors": "", "candidates": "", "claims": "", "speaker": "", "cue": "",
            "words": "", "headline": "", **context,
        }  # fmt: skip
        user = self._render(self.user_template, paragraph=paragraph, **values)
        return [*self.prefix(), {"role": "user", "content": user}]

    def follow_up_messages(
        self, messages: list[Message], answer: str, **context: str
    ) -> list[Message]:
        """The conversation so far, the model's answer, and the follow-up question."""
        question = self._render(self.follow_up, **context)
        reply = {"role": "assistant", "content": answer}
        return [*messages, reply, {"role": "user", "content": question}]

    def reask(self, quotes: list[str]) -> str:
        return self._render(self.reask_template, quotes=quotes)


def _validate_examples(path: Path, data: _PromptFile) -> None:
    for number, example in enumerate(data.examples, start=1):
        for claim in example.claims:
            if claim.quote not in example.paragraph:
                raise PromptError(
                    f"{path}: example {number}: quote {claim.quote!r} does not occur in its "
                    "paragraph; few-shot quotes must be exact copies"
                )


def default_prompt() -> str:
    """$STANCE_PROMPT, else ``DEFAULT_PROMPT``: a batch job or a CI step can pin its reader
    (``STANCE_PROMPT=claims-v2`` keeps the paragraph reader) without passing --prompt."""
    return os.environ.get("STANCE_PROMPT") or DEFAULT_PROMPT


def load_prompt(name_or_path: str | None = None) -> PromptTemplate:
    """Load ``prompts/<name>.yaml`` (or a file path; None: ``default_prompt()``) and check
    its few-shot examples."""
    name_or_path = name_or_path or default_prompt()
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} and candidate.exists():
        path = candidate
    else:  # current prompts first, then the older versions kept loadable in prompts/archive/
        path = prompts_dir() / f"{name_or_path}.yaml"
        if not path.is_file():
            path = prompts_dir() / "archive" / f"{name_or_path}.yaml"
    if not path.is_file():
        available = ", ".join(list_prompts(archived=True)) or "none"
        raise PromptError(
            f"prompt {name_or_path!r} not found (looked for {path}); available: {available}"
        )
    raw = path.read_bytes()
    try:
        data = _PromptFile.model_validate(yaml.safe_load(raw))
    except (yaml.YAMLError, ValidationError) as exc:
        raise PromptError(f"{path}: not a valid prompt file: {exc}") from exc
    _validate_examples(path, data)
    if data.reader == "paragraph" and not (data.system and data.reask):
        raise PromptError(f"{path}: a paragraph reader needs system and reask templates")
    digest = hashlib.sha256(raw)
    if data.reader in ("pointer", "questions") and not data.system:
        raise PromptError(f"{path}: a {data.reader} reader needs a system message")
    if data.ask_per == "speaker" and data.follow_up:
        raise PromptError(f"{path}: a follow-up question is asked of one denial: ask_per candidate")
    # candidates come from the lexicon: it is versioned with the prompt
    if data.reader in ("rules", "pointer", "questions"):
        digest.update(files("stance").joinpath("data/lexicon.yaml").read_bytes())
    template = PromptTemplate(
        name=data.name,
        version=data.version,
        sha256=digest.hexdigest(),
        path=path,
        system=data.system,
        user_template=data.user,
        reask_template=data.reask,
        examples=tuple(data.examples),
        second_look=data.second_look,
        reader=data.reader,
        shots=tuple(data.shots),
        window=data.window,
        decision_order=tuple(data.decision_order),
        show_type=data.show_type,
        follow_up=data.follow_up,
        stance_by_type=data.stance_by_type,
        ask_per=data.ask_per,
    )
    try:
        template.messages(paragraph="x", lead="y", previous="z")
        template.reask(["q"])
    except Exception as exc:  # a template error is a prompt bug, say where
        raise PromptError(f"{path}: template does not render: {exc}") from exc
    return template


def list_prompts(archived: bool = False) -> list[str]:
    """The current prompts (prompts/*.yaml); with ``archived``, then those of prompts/archive/."""
    folders = [prompts_dir(), prompts_dir() / "archive"] if archived else [prompts_dir()]
    return [p.stem for folder in folders for p in sorted(folder.glob("*.yaml"))]


@functools.lru_cache(maxsize=64)
def _compiled(template: str) -> Template:
    """Compile a template once: compiling on every call cost 7 ms per paragraph."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    return env.from_string(template)
