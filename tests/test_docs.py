"""The docs site builds, offline, and what it shows exists.

The site is built with ``mkdocs build --strict`` (every warning fails) with the network
closed to it: a proxy on a dead port catches any fetch. Then every internal link of every
built page must reach a page and, with a ``#``, an anchor on it; and every command in a
``bash`` block of the docs and the README must exist: a ``stance`` command and each of its
options (checked against the click tree behind ``stance``), a ``make`` target of the
Makefile, a Python script of the repository or an importable ``python -m`` module.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MKDOCS = Path(sys.executable).parent / "mkdocs"

# Commands the docs name that are not stance's, make's or Python's: shell built-ins and the
# servers a user runs beside stance (vLLM), which are not installed here.
OTHER_COMMANDS = {"export", "pip", "vllm", "ray"}  # ray: the [ray] extra's command


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MKDOCS.exists() and shutil.which("mkdocs") is None:
        pytest.fail("mkdocs is not installed: make install installs the [docs] extra")
    out = tmp_path_factory.mktemp("site")
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port: no fetch can succeed
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HTTP_PROXY": dead, "HTTPS_PROXY": dead,
           "http_proxy": dead, "https_proxy": dead, "NO_PROXY": "", "no_proxy": ""}  # fmt: skip
    command = [str(MKDOCS) if MKDOCS.exists() else "mkdocs", "build", "--strict"]
    result = subprocess.run(
        [*command, "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class _Page(HTMLParser):
    """The ids a page defines and the hrefs and srcs it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "img", "link", "script"):
                self.links.append(str(values[name]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(site: Path, page: Path, path: str) -> Path:
    base = site if path.startswith("/") else page.parent  # the 404 page links from the root
    where = (base / unquote(path).lstrip("/")).resolve() if path else page
    if where.is_dir():
        where = where / "index.html"
    assert where.is_relative_to(site.resolve()), f"{page}: {path} leaves the site"
    return where


def test_the_site_builds_and_every_internal_link_resolves(site: Path) -> None:
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)
    assert len(pages) >= 30
    parsed = {p.resolve(): _parse(p) for p in pages}
    broken = []
    for page, content in parsed.items():
        for link in content.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = _target(site, page, parts.path)
            if not target.exists():
                broken.append(f"{page.relative_to(site.resolve())}: {link} (no file)")
            elif parts.fragment and target.suffix == ".html":
                ids = (parsed.get(target) or _parse(target)).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site.resolve())}: {link} (no anchor)")
    assert not broken, "\n".join(broken)
    # the pages the issue asks for are there, the generated ones with their content
    for needed in ("getting-started", "readers", "reference/cli", "reference/schema",
                   "reference/python-api", "how-to/ci-gate", "evaluation/significance",
                   "changelog"):  # fmt: skip
        assert (site / needed / "index.html").exists(), needed
    api = (site / "reference" / "python-api" / "index.html").read_text(encoding="utf-8")
    assert "build_extractor" in api and "evaluate_dataset" in api and "by_actor" in api
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "Unreleased" in changelog


# ---- commands in code blocks --------------------------------------------------------------


def _bash_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:bash|sh|shell|console)[^\n]*\n(.*?)```", text, re.S)


def _commands(block: str) -> list[list[str]]:
    """Each simple command of a block: continuations joined, comments, prompts, pipes,
    ``&&``, ``;``, ``&`` and leading VAR=value assignments taken apart."""
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for word in [*lexer, ";"]:
            if word in {"|", "||", "&&", ";", "&", ">", ">>", "<"}:
                while current and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", current[0]):
                    current.pop(0)
                if current:
                    commands.append(current)
                current = [] if word not in {">", ">>", "<"} else ["<redirect>"]
            elif current != ["<redirect>"]:
                current.append(word)
            else:
                current = []  # the redirect's file name
        # a redirect's target ends up alone; drop it
    return [c for c in commands if c != ["<redirect>"]]


def _click_tree() -> Any:
    import typer.main

    from stance.cli import app

    return typer.main.get_command(app)


def _check_stance(words: list[str]) -> str | None:
    command = _click_tree()
    rest = words[1:]
    path = ["stance"]
    while rest and getattr(command, "commands", None) and rest[0] in command.commands:
        command = command.commands[rest[0]]
        path.append(rest.pop(0))
    if getattr(command, "commands", None) and rest and not rest[0].startswith("-"):
        return f"`{' '.join(path)} {rest[0]}`: no such command"
    options = {"--help"}
    for param in command.params:
        options.update(param.opts)
        options.update(getattr(param, "secondary_opts", []))
    for word in rest:
        if word.startswith("-") and word != "-":
            flag = word.split("=", 1)[0]
            if flag not in options:
                return f"`{' '.join(path)}` has no option {flag}"
    return None


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-zA-Z][\w-]*(?: [a-zA-Z][\w-]*)*):(?!=)", text, re.M)) | {
        name for line in re.findall(r"^([\w -]+):(?!=)", text, re.M) for name in line.split()
    }


def check_command(words: list[str]) -> str | None:
    """Why this command does not exist, or None."""
    name = words[0]
    if name == "stance":
        return _check_stance(words)
    if name == "make":
        targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        missing = [t for t in targets if t not in _make_targets()]
        return f"make: no target {missing}" if missing else None
    if Path(name).name in {"python", "python3"}:
        if words[1:2] == ["-m"]:
            module = words[2]
            found = importlib.util.find_spec(module.split(".")[0]) is not None
            return None if found else f"python -m {module}: not importable"
        script = words[1]
        return None if (ROOT / script).is_file() else f"python {script}: no such file"
    if Path(name).name in {"pytest", "ruff", "mypy", "mkdocs"} and name.startswith(".venv/bin/"):
        return None
    if name in OTHER_COMMANDS:
        return None
    return f"{name}: not a command these docs may name (add it to OTHER_COMMANDS if real)"


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def test_every_command_in_the_docs_and_the_readme_exists() -> None:
    problems = []
    count = 0
    for path in _documents():
        for block in _bash_blocks(path.read_text(encoding="utf-8")):
            for words in _commands(block):
                count += 1
                problem = check_command(words)
                if problem:
                    problems.append(f"{path.relative_to(ROOT)}: {shlex.join(words)}\n  {problem}")
    assert count >= 60
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("stance extract a.txt --reader rules", None),
        ("stance extarct a.txt", "no such command"),
        ("stance extract a.txt --redaer rules", "no option --redaer"),
        ("stance runs tag latest baseline", None),
        ("stance runs purge", "no such command"),
        ("make docs", None),
        ("make deploy", "no target"),
        ("python benchmarks/seed_check.py out.jsonl", None),
        ("python benchmarks/nothing.py", "no such file"),
        ("python -m stance.evaluation.gold evals/gold", None),
        ("curl https://example.org", "not a command"),
    ],
)
def test_the_command_check_tells_a_real_command_from_a_typo(
    command: str, expected: str | None
) -> None:
    problem = check_command(shlex.split(command))
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_a_block_is_split_into_its_commands() -> None:
    block = (
        "STANCE_CACHE_DIR=/tmp/c stance extract a.txt -o s.jsonl   # cold\n"
        "python tests/longdoc.py 20000 DIR && stance eval DIR --model local\n"
        "python -m llama_cpp.server --model model.gguf --port 8080 &\n"
        "stance eval evals/gold \\\n    --offline\n"
    )
    assert _commands(block) == [
        ["stance", "extract", "a.txt", "-o", "s.jsonl"],
        ["python", "tests/longdoc.py", "20000", "DIR"],
        ["stance", "eval", "DIR", "--model", "local"],
        ["python", "-m", "llama_cpp.server", "--model", "model.gguf", "--port", "8080"],
        ["stance", "eval", "evals/gold", "--offline"],
    ]
