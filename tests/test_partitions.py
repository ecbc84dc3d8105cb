"""Partition directories (--engine ray -o DIR): whole files, resumable, one record per id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.errors import ConfigError
from stance.runs.partitions import PartitionDir, read_partition


def line(article_id: str, kind: str = "extraction") -> tuple[str, str, str]:
    record = {"record": kind, "article_id": article_id}
    if kind == "extraction":
        record["provenance"] = {"model": "none", "prompt": {"hash": "abc"}}
    return article_id, kind, json.dumps(record)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_resume_keeps_extractions_and_retries_errors(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    first = PartitionDir(out, fmt=fmt, resume=False)
    first.open()
    first.write([line("a"), line("b", "error")])
    first.write([line("c", "error")])
    assert sorted(p.name for p in out.iterdir()) == [f"part-00000.{fmt}", f"part-00001.{fmt}"]
    with pytest.raises(ConfigError, match="already holds partitions; use --resume"):
        PartitionDir(out, fmt=fmt, resume=False)
    again = PartitionDir(out, fmt=fmt, resume=True)
    assert again.done == {"a"}
    again.check_same_run("none", "abc")
    with pytest.raises(ConfigError, match="holds records from model none"):
        again.check_same_run("openai:x", "abc")
    again.open()  # errors dropped: the retried articles will not appear twice
    assert [p.name for p in sorted(out.iterdir())] == [f"part-00000.{fmt}"]
    assert [r[0] for r in read_partition(out / f"part-00000.{fmt}")] == ["a"]
    again.write([line("b"), line("c")])
    ids = [r[0] for p in sorted(out.iterdir()) for r in read_partition(p)]
    assert sorted(ids) == ["a", "b", "c"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_file_is_not_a_partition_directory(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(ConfigError, match="is a file; partitions go to a directory"):
        PartitionDir(tmp_path / "out", fmt="jsonl", resume=False)
    with pytest.raises(ConfigError, match="--partition-format must be jsonl or parquet"):
        PartitionDir(tmp_path / "d", fmt="csv", resume=False)
