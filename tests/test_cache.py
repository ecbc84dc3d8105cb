"""Tests for the SQLite response cache."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from stance.errors import CacheError
from stance.llm import response_cache as cache_mod
from stance.llm.response_cache import CachedResponse, ResponseCache, cache_key, default_cache_path


def _parts(**overrides: Any) -> dict[str, Any]:
    parts: dict[str, Any] = {
        "model": "qwen2.5-coder-1.5b",
        "prompt_hash": "abc123",
        "schema_version": "1.0",
        "parameters": {"temperature": 0.0, "max_tokens": 512, "seed": 7},
        "messages": [
            {"role": "system", "content": "Extract claims."},
            {"role": "user", "content": "The minister denied the report."},
        ],
    }
    parts.update(overrides)
    return parts


def _put(cache: ResponseCache, key: str, content: str = '{"claims": []}', **kw: Any) -> None:
    args: dict[str, Any] = {
        "model": "m",
        "prompt_hash": "p",
        "content": content,
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "latency_s": 1.25,
    }
    args.update(kw)
    cache.put(key, **args)


def test_key_is_hex_sha256_and_stable_across_dict_order() -> None:
    key = cache_key(**_parts())
    assert len(key) == 64 and int(key, 16) >= 0
    reordered = {
        "messages": [
            {"content": "Extract claims.", "role": "system"},
            {"content": "The minister denied the report.", "role": "user"},
        ],
        "parameters": {"seed": 7, "max_tokens": 512, "temperature": 0.0},
        "schema_version": "1.0",
        "prompt_hash": "abc123",
        "model": "qwen2.5-coder-1.5b",
    }
    assert cache_key(**reordered) == key
    assert cache_key(**_parts()) == key


@pytest.mark.parametrize(
    "override",
    [
        {"model": "other-model"},
        {"prompt_hash": "def456"},
        {"schema_version": "1.1"},
        {"parameters": {"temperature": 0.2, "max_tokens": 512, "seed": 7}},
        {
            "messages": [
                {"role": "system", "content": "Extract claims."},
                {"role": "user", "content": "The minister confirmed the report."},
            ]
        },
    ],
)
def test_key_changes_when_any_part_changes(override: dict[str, Any]) -> None:
    assert cache_key(**_parts(**override)) != cache_key(**_parts())


def test_key_rejects_unserialisable_values() -> None:
    with pytest.raises(TypeError):
        cache_key(model=object())


def test_round_trip_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "cache.sqlite"
    key = cache_key(**_parts())
    with ResponseCache(path) as cache:
        _put(cache, key, content='{"claims": ["ü"]}', model="qwen")
    assert path.exists()
    with ResponseCache(path) as cache:
        got = cache.get(key)
    assert isinstance(got, CachedResponse)
    assert got.content == '{"claims": ["ü"]}'
    assert (got.prompt_tokens, got.completion_tokens, got.latency_s) == (10, 5, 1.25)
    assert got.created_at.endswith("+00:00")


def test_put_replaces_existing_key(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        _put(cache, "k", content="old")
        _put(cache, "k", content="new")
        got = cache.get("k")
        assert got is not None and got.content == "new"
        assert cache.stats()["rows"] == 1


def test_missing_key_returns_none(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        assert cache.get("nope") is None


def test_wal_and_synchronous(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ResponseCache(path) as cache:
        _put(cache, "k")
        db = cache._conn()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    for _ in range(3):
        ResponseCache(path).close()
    db = sqlite3.connect(path)
    names = [row[0] for row in db.execute("SELECT name FROM _migrations")]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    db.close()
    assert names == [fn.__name__ for fn in cache_mod.MIGRATIONS]
    assert {"idx_responses_model", "idx_responses_prompt_hash"} <= indexes


def test_unknown_future_migration_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ResponseCache(path) as cache:
        _put(cache, "k")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m999_future', 'x')")
    db.execute("ALTER TABLE responses ADD COLUMN extra TEXT")
    db.commit()
    db.close()
    with ResponseCache(path) as cache:
        assert cache.get("k") is not None
        _put(cache, "k2")
        assert cache.stats()["rows"] == 2


@pytest.mark.parametrize(
    "junk", [b"this is not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4096]
)
def test_corrupt_file_raises_cache_error_naming_path(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(junk)
    with pytest.raises(CacheError) as info:
        ResponseCache(path)
    message = str(info.value)
    assert str(path) in message
    assert "--no-cache" in message and "delete" in message


def test_concurrent_puts_from_threads_all_land(tmp_path: Path) -> None:
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []
    with ResponseCache(tmp_path / "c.sqlite") as cache:

        def worker(t: int) -> None:
            try:
                for i in range(per_thread):
                    key = cache_key(thread=t, i=i)
                    _put(cache, key, content=f"{t}:{i}", model=f"model-{t % 2}")
                    assert cache.get(key) is not None
            except BaseException as exc:  # pragma: no cover - surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(threads_n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        stats = cache.stats()
    assert stats["rows"] == threads_n * per_thread
    assert stats["model:model-0"] == stats["model:model-1"] == threads_n * per_thread // 2


def test_default_cache_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_path() == tmp_path / "here" / "cache.sqlite"


def test_default_cache_path_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STANCE_CACHE_DIR", raising=False)
    assert default_cache_path() == Path(platformdirs.user_cache_dir("stance")) / "cache.sqlite"


def test_clear_empties(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        for i in range(5):
            _put(cache, f"k{i}")
        assert cache.clear() == 5
        assert cache.stats() == {"rows": 0}
        assert cache.get("k0") is None
        assert cache.clear() == 0


def test_closed_cache_raises(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite")
    cache.close()
    cache.close()
    with pytest.raises(CacheError, match="closed"):
        cache.get("k")
