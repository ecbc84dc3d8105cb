"""Tests for stance.runs.inputs: what a user gets from files, directories and stdin."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from stance.runs.inputs import InputFailure, iter_articles
from stance.schema import Article


def run(*inputs: str | Path, stdin: str | None = None) -> list[Article | InputFailure]:
    stream = io.StringIO(stdin) if stdin is not None else None
    return list(iter_articles([str(i) for i in inputs], stdin=stream))


def only_failure(results: list[Article | InputFailure]) -> InputFailure:
    assert len(results) == 1, results
    assert isinstance(results[0], InputFailure), results
    return results[0]


def test_txt_and_md_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The minister said taxes would fall.\n")
    (tmp_path / "b.md").write_text("# Heading\n\nUnions denied the report.")
    a, b = run(tmp_path / "a.txt", tmp_path / "b.md")
    assert a == Article(
        id="a", text="The minister said taxes would fall.\n", source=str(tmp_path / "a.txt")
    )
    assert isinstance(b, Article)
    assert (b.id, b.title, b.text) == ("b", None, "# Heading\n\nUnions denied the report.")


def test_directory_recursion_is_sorted_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text("Zed.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "m.md").write_text("Em.")
    (tmp_path / "a.txt").write_text("Ay.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "data.csv").write_text("x,y\n")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("Hidden too.")
    results = run(tmp_path)
    assert [r.id for r in results if isinstance(r, Article)] == ["a", "m", "z"]
    assert len(results) == 3


def test_empty_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "only.csv").write_text("x\n")
    failure = only_failure(run(tmp_path))
    assert str(tmp_path) in failure.message and ".txt" in failure.message


def test_unsupported_extension_given_explicitly(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    failure = only_failure(run(tmp_path / "report.pdf"))
    assert "report.pdf" in failure.message and "'.pdf'" in failure.message
    assert ".jsonl" in failure.message


def test_json_object_and_list(tmp_path: Path) -> None:
    one = {"id": "x1", "text": "Body one.", "title": "T", "date": "2024-05-01"}
    (tmp_path / "one.json").write_text(json.dumps(one))
    (tmp_path / "many.json").write_text(
        json.dumps([{"id": "x2", "text": "Body two.", "source": "Reuters"}, {"text": "Three."}])
    )
    x1, x2, x3 = run(tmp_path / "one.json", tmp_path / "many.json")
    assert x1 == Article(
        id="x1", text="Body one.", title="T", date="2024-05-01", source=str(tmp_path / "one.json")
    )
    assert isinstance(x2, Article) and (x2.id, x2.source) == ("x2", "Reuters")
    assert isinstance(x3, Article) and (x3.id, x3.text) == ("many-2", "Three.")


def test_json_list_failure_names_line(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('[\n  {"id": "ok", "text": "Fine."},\n  {"id": "bad", "text": 5}\n]\n')
    ok, bad = run(path)
    assert isinstance(ok, Article) and ok.id == "ok"
    assert isinstance(bad, InputFailure)
    assert bad.source == f"{path}:3" and bad.article_id == "bad"
    assert f"{path}:3" in bad.message and "'text'" in bad.message


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "a", "text": ')
    failure = only_failure(run(path))
    assert str(path) in failure.message and "not valid JSON" in failure.message


def test_jsonl_bad_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "first", "text": "One."}\n\n{not json\n{"text": "Four, no id."}\n')
    first, bad, last = run(path)
    assert isinstance(first, Article) and first.id == "first"
    assert isinstance(bad, InputFailure)
    assert bad.source == f"{path}:3" and f"{path}:3" in bad.message
    assert "not valid JSON" in bad.message
    # Record numbers count non-blank lines, so the third record gets "-3".
    assert isinstance(last, Article) and (last.id, last.text) == ("feed-3", "Four, no id.")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "a"}, "no 'text' field"),
        ({"id": "a", "text": ""}, "'text' is empty"),
        ({"id": "a", "text": "  \n "}, "'text' is empty"),
        ({"id": "a", "text": ["x"]}, "'text' is a list"),
        ({"id": "  ", "text": "x"}, "'id' is empty"),
        ({"id": "a", "text": "x", "title": 3}, "'title' must be a string"),
        (["not", "an", "object"], "expected a JSON object"),
    ],
)
def test_bad_records(tmp_path: Path, record: object, expected: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n")
    failure = only_failure(run(path))
    assert failure.source == f"{path}:1"
    assert f"{path}:1" in failure.message and expected in failure.message


def test_ids_are_stripped_and_integers_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": "  a/b  ", "text": "x"}\n{"id": 42, "text": "y"}\n')
    assert [r.id for r in run(path) if isinstance(r, Article)] == ["a/b", "42"]


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\t\n")
    empty, blank = run(tmp_path / "empty.txt", tmp_path / "blank.md")
    assert isinstance(empty, InputFailure) and isinstance(blank, InputFailure)
    assert empty.article_id == "empty" and "empty.txt: is empty" in empty.message
    assert "blank.md" in blank.message and "only whitespace" in blank.message


def test_latin1_file_names_utf8_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 owners protested.".encode("latin-1"))
    failure = only_failure(run(path))
    assert failure.article_id == "latin"
    assert str(path) in failure.message and "UTF-8" in failure.message
    assert "offset 3" in failure.message and "iconv" in failure.message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    failure = only_failure(run(path))
    assert str(path) in failure.message and "binary" in failure.message


def test_nonexistent_path_and_iteration_continues(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Still read.")
    missing, ok = run(tmp_path / "missing.txt", tmp_path / "ok.txt")
    assert isinstance(missing, InputFailure)
    assert missing.article_id == "missing" and "missing.txt: does not exist" in missing.message
    assert isinstance(ok, Article) and ok.text == "Still read."


def test_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First.")
    (tmp_path / "b" / "story.md").write_text("Second.")
    first, second = run(tmp_path / "a", tmp_path / "b")
    assert isinstance(first, Article) and first.text == "First."
    assert isinstance(second, InputFailure)
    assert second.article_id == str(tmp_path / "b" / "story.md")  # not "story": ids stay unique
    assert f"duplicate id 'story' (first seen in {tmp_path / 'a' / 'story.txt'})" in (
        second.message
    )


def test_stdin_as_text() -> None:
    (article,) = run("-", stdin="\ufeffA plain story.\r\nSecond line.")
    assert article == Article(id="stdin", text="A plain story.\nSecond line.", source="<stdin>")


def test_stdin_as_jsonl() -> None:
    data = '{"id": "s1", "text": "One."}\n\n  {"text": "Two."}\n{broken\n'
    s1, s2, bad = run("-", stdin=data)
    assert isinstance(s1, Article) and s1.id == "s1"
    assert isinstance(s2, Article) and s2.id == "stdin-2"
    assert isinstance(bad, InputFailure) and bad.source == "<stdin>:4"


def test_stdin_empty_and_read_once() -> None:
    empty = only_failure(run("-", stdin="  \n"))
    assert "<stdin>" in empty.message
    _, again = run("-", "-", stdin="Story.")
    assert isinstance(again, InputFailure) and "more than once" in again.message


def test_crlf_and_cr_normalised(tmp_path: Path) -> None:
    (tmp_path / "dos.txt").write_bytes(b"Line one.\r\nLine two.\rLine three.\r\n")
    (tmp_path / "dos.jsonl").write_bytes(b'{"id": "j", "text": "A\\r\\nB"}\r\n')
    txt, rec = run(tmp_path / "dos.txt", tmp_path / "dos.jsonl")
    assert isinstance(txt, Article) and txt.text == "Line one.\nLine two.\nLine three.\n"
    assert isinstance(rec, Article) and rec.text == "A\nB"


def test_bom_is_stripped(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfHello.")
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"id": "j", "text": "Hi."}')
    txt, rec = run(tmp_path / "bom.txt", tmp_path / "bom.json")
    assert isinstance(txt, Article) and txt.text == "Hello."
    assert isinstance(rec, Article) and rec.text == "Hi."


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("Once.")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "sub", target_is_directory=True)
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    results = run(root)
    assert [r.id for r in results if isinstance(r, Article)] == ["a"]
    (broken,) = [r for r in results if isinstance(r, InputFailure)]
    assert "dangling.txt" in broken.message and "broken symbolic link" in broken.message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read mode-000 files"
)
def test_unreadable_file_chmod(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Hidden.")
    path.chmod(0)
    try:
        failure = only_failure(run(path))
    finally:
        path.chmod(0o644)
    assert str(path) in failure.message and "permission denied" in failure.message


def test_unreadable_file_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs as root too: the read itself is made to fail with EACCES."""
    path = tmp_path / "secret.txt"
    path.write_text("Hidden.")
    (tmp_path / "open.txt").write_text("Readable.")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    secret, ok = run(path, tmp_path / "open.txt")
    assert isinstance(secret, InputFailure) and secret.article_id == "secret"
    assert str(path) in secret.message and "permission denied" in secret.message
    assert isinstance(ok, Article) and ok.text == "Readable."


def test_stdin_bytes_are_checked_for_utf8() -> None:
    """Real stdin is read as bytes, so bad encodings get the same clear message."""
    stream = io.TextIOWrapper(io.BytesIO("Caf\u00e9.".encode("latin-1")), encoding="utf-8")
    failure = only_failure(list(iter_articles(["-"], stdin=stream)))
    assert failure.source == "<stdin>" and "not valid UTF-8" in failure.message
    assert "offset 3" in failure.message and "iconv" in failure.message


def test_utf16_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Hello.".encode("utf-16"))
    failure = only_failure(run(path))
    assert str(path) in failure.message and "UTF-16" in failure.message
