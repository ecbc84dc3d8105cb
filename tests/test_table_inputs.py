"""Parquet and Arrow tables (--text-column/--id-column) and saved .html pages as inputs,
on files written here: bad rows cost their row only, offsets refer to the record's text."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stance.api import build_extractor
from stance.runs.inputs import Columns, InputFailure, iter_articles
from stance.schema import Article

QUOTE = "“The harbour fees were never agreed,” said Mira Okafor, a borough councillor."


def articles(*inputs: Path, columns: Columns | None = None) -> list[Article | InputFailure]:
    return list(iter_articles([str(p) for p in inputs], columns=columns))


def test_parquet_rows_with_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    table = pa.table(
        {
            "doc_id": ["n1", "n2", "n3", "n4"],
            "body": [QUOTE, "", None, "Ferries ran late, the operator said."],
            "title": ["Fees", None, None, "Ferries"],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    got = articles(path, columns=Columns(text="body", id="doc_id"))
    first, empty, missing, last = got
    assert isinstance(first, Article) and (first.id, first.text, first.title) == (
        "n1", QUOTE, "Fees",
    )  # fmt: skip
    assert first.source == str(path)
    assert isinstance(empty, InputFailure) and empty.article_id == "n2"
    assert empty.message == f"{path}:2: 'text' is empty; expected article text"
    assert isinstance(missing, InputFailure) and missing.message.startswith(f"{path}:3: no 'text'")
    assert isinstance(last, Article) and last.id == "n4"


def test_a_missing_column_names_the_columns_there_are(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    pq.write_table(pa.table({"id": ["a"], "content": [QUOTE]}), path)
    (failure,) = articles(path)
    assert isinstance(failure, InputFailure)
    assert "no text column 'text' (columns: 'id', 'content'); name it with --text-column" in (
        failure.message
    )
    (article,) = articles(path, columns=Columns(text="content"))
    assert isinstance(article, Article) and article.id == "a"
    (bad_id,) = articles(path, columns=Columns(text="content", id="uuid"))
    assert isinstance(bad_id, InputFailure) and "no id column 'uuid'" in bad_id.message


def test_arrow_files_and_ids_from_the_row(tmp_path: Path) -> None:
    path = tmp_path / "feed.arrow"
    table = pa.table({"text": [QUOTE, "The port reopened, officials said."]})
    with pa.ipc.new_file(path, table.schema) as writer:
        writer.write_table(table)
    got = articles(path)
    assert [a.id for a in got if isinstance(a, Article)] == ["feed-1", "feed-2"]


def test_a_file_that_is_not_parquet_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    (failure,) = articles(path)
    assert isinstance(failure, InputFailure) and "cannot read as parquet" in failure.message


PAGE = """<!doctype html><html><head><title>Harbour fees row | Harwick Herald</title>
<meta property="article:published_time" content="2024-05-02"></head><body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<div class="advert">Subscribe now for 1 euro a week!</div>
<article><h1>Harbour fees row deepens</h1>
<p>The council met on Tuesday to discuss the harbour budget for the coming year, which
has grown by a fifth since the dredging began last spring.</p>
<p>“The harbour fees were never agreed,” said Mira Okafor, a borough councillor. She said
the figures had been changed after the vote and that nobody had seen the final version.</p>
<p>Paul Henning, chief executive of Dunmore Dredging, denied that any figures had been
altered. “Every number was published in March,” Henning said.</p>
</article><footer>Copyright Harwick Herald. Cookie settings. Contact us.</footer></body></html>
"""


def test_an_html_page_is_read_through_its_main_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    page = tmp_path / "fees-row.html"
    page.write_text(PAGE, encoding="utf-8")
    (article,) = articles(page)
    assert isinstance(article, Article) and article.id == "fees-row"
    assert "“The harbour fees were never agreed,” said Mira Okafor" in article.text
    assert "Subscribe" not in article.text and "Cookie" not in article.text
    assert "\n\n" in article.text  # paragraphs stay paragraphs for the segmenter
    assert article.title and "Harbour fees" in article.title
    record = build_extractor(prompt="rules-v1").extract(article)
    assert record.text == article.text and record.claims
    for claim in record.claims:  # every offset refers to the extracted text in the record
        assert record.text[claim.span.start : claim.span.end] == claim.quote
    assert {a.name for a in record.actors} >= {"Mira Okafor", "Paul Henning"}


def test_a_page_without_an_article_is_one_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    empty = tmp_path / "menu.html"
    script_only = "<html><head><script>var page = 1;</script></head><body></body></html>"
    empty.write_text(script_only, "utf-8")
    (failure,) = articles(empty)
    assert isinstance(failure, InputFailure) and "no article text found" in failure.message
