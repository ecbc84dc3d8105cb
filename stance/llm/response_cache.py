"""The response cache: one SQLite row per model call, keyed by everything that shapes the call.

A second identical run reads every response from here and makes no model calls. The schema
is built by plain migration functions applied in order and recorded in ``_migrations``
(the simonw/llm pattern); names written by a newer stance are left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from stance.errors import CacheError

__all__ = [
    "MIGRATIONS",
    "ROW_FIELDS",
    "CachedResponse",
    "Migration",
    "ResponseCache",
    "cache_key",
    "default_cache_path",
    "m001_responses",
    "m002_errors",
    "migration",
]

Migration = Callable[[sqlite3.Connection], None]
ROW_FIELDS = (
    "key",
    "model",
    "prompt_hash",
    "content",
    "prompt_tokens",
    "completion_tokens",
    "latency_s",
    "created_at",
    "error",
)
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration; its ``__name__`` is recorded once applied."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_responses(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE responses (
            key TEXT PRIMARY KEY,
            model TEXT,
            prompt_hash TEXT,
            content TEXT,
            prompt_tokens INT,
            completion_tokens INT,
            latency_s REAL,
            created_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_responses_model ON responses(model)")
    db.execute("CREATE INDEX idx_responses_prompt_hash ON responses(prompt_hash)")


@migration
def m002_errors(db: sqlite3.Connection) -> None:
    """A call whose answer stayed invalid is stored too, so a replay reproduces the failure."""
    db.execute("ALTER TABLE responses ADD COLUMN error TEXT")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def cache_key(**parts: object) -> str:
    """SHA-256 hex of the canonical JSON of ``parts`` (sorted keys at every level).

    Values must be JSON-serialisable; anything else raises ``TypeError`` rather than
    hashing an unstable ``repr``.
    """
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_cache_path() -> Path:
    """``$STANCE_CACHE_DIR/cache.sqlite`` if set, else the platform user cache dir."""
    override = os.environ.get("STANCE_CACHE_DIR")
    if override:
        return Path(override).expanduser() / "cache.sqlite"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("stance")) / "cache.sqlite"


@dataclass(frozen=True)
class CachedResponse:
    """One stored model response: the raw JSON text plus what the call cost."""

    content: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    created_at: str
    error: str | None = None  # the model's answer stayed invalid: only a replay uses this row


class ResponseCache:
    """A thread-safe SQLite cache of model responses, opened eagerly at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create cache directory {self.path.parent}: {exc}") from exc
        db: sqlite3.Connection | None = None
        try:
            # Autocommit mode: transactions are opened explicitly where they are needed.
            db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            _migrate(db)
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise self._error("cannot be opened", exc) from exc
        self._db = db

    def _error(self, what: str, exc: BaseException) -> CacheError:
        return CacheError(
            f"cache file {self.path} {what} ({exc}); it may be corrupt or not a stance cache. "
            f"Run with --no-cache, or delete {self.path} to start a fresh cache."
        )

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise CacheError(f"cache {self.path} is closed")
        return self._db

    def get(self, key: str) -> CachedResponse | None:
        """The response stored under ``key``, or ``None``."""
        with self._lock:
            try:
                row = (
                    self._conn()
                    .execute(
                        "SELECT content, prompt_tokens, completion_tokens, latency_s, created_at,"
                        " error FROM responses WHERE key = ?",
                        (key,),
                    )
                    .fetchone()
                )
            except sqlite3.Error as exc:
                raise self._error("cannot be read", exc) from exc
        if row is None:
            return None
        content, prompt_tokens, completion_tokens, latency_s, created_at, error = row
        return CachedResponse(
            content=str(content),
            prompt_tokens=int(prompt_tokens or 0),
            completion_tokens=int(completion_tokens or 0),
            latency_s=float(latency_s or 0.0),
            created_at=str(created_at),
            error=None if error is None else str(error),
        )

    def put(
        self,
        key: str,
        *,
        model: str,
        prompt_hash: str,
        content: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_s: float,
        error: str | None = None,
    ) -> None:
        """Store (or replace) one response in its own committed transaction."""
        row = (key, model, prompt_hash, content, prompt_tokens, completion_tokens, latency_s)
        with self._lock:
            try:
                db = self._conn()
                with _transaction(db):
                    db.execute(
                        "INSERT OR REPLACE INTO responses (key, model, prompt_hash, content,"
                        " prompt_tokens, completion_tokens, latency_s, created_at, error)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*row, _now(), error),
                    )
            except sqlite3.Error as exc:
                raise self._error("cannot be written", exc) from exc

    def export(self, keys: Iterable[str]) -> list[dict[str, object]]:
        """Full rows for ``keys`` (those present), in key order: what a recording stores."""
        wanted = sorted(set(keys))
        rows: list[dict[str, object]] = []
        with self._lock:
            try:
                db = self._conn()
                for key in wanted:
                    row = db.execute(
                        f"SELECT {', '.join(ROW_FIELDS)} FROM responses WHERE key = ?", (key,)
                    ).fetchone()
                    if row is not None:
                        rows.append(dict(zip(ROW_FIELDS, row, strict=True)))
            except sqlite3.Error as exc:
                raise self._error("cannot be read", exc) from exc
        return rows

    def load(self, rows: Iterable[dict[str, object]]) -> int:
        """Insert exported rows (a recording) in one transaction; returns how many."""
        values = [tuple(row.get(f) for f in ROW_FIELDS) for row in rows]
        with self._lock:
            try:
                db = self._conn()
                with _transaction(db):
                    db.executemany(
                        f"INSERT OR REPLACE INTO responses ({', '.join(ROW_FIELDS)})"
                        f" VALUES ({', '.join('?' for _ in ROW_FIELDS)})",
                        values,
                    )
            except sqlite3.Error as exc:
                raise self._error("cannot be written", exc) from exc
        return len(values)

    def stats(self) -> dict[str, int]:
        """``{"rows": n}`` plus one ``"model:<name>"`` count per model."""
        with self._lock:
            try:
                rows = (
                    self._conn()
                    .execute("SELECT model, COUNT(*) FROM responses GROUP BY model ORDER BY model")
                    .fetchall()
                )
            except sqlite3.Error as exc:
                raise self._error("cannot be read", exc) from exc
        stats = {"rows": sum(int(n) for _, n in rows)}
        stats.update({f"model:{model}": int(n) for model, n in rows})
        return stats

    def clear(self) -> int:
        """Delete every stored response; returns how many rows went."""
        with self._lock:
            try:
                db = self._conn()
                with _transaction(db):
                    deleted = db.execute("DELETE FROM responses").rowcount
            except sqlite3.Error as exc:
                raise self._error("cannot be cleared", exc) from exc
        return int(deleted)

    def close(self) -> None:
        """Close the connection; safe to call more than once."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back if the body or the commit fails."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _migrate(db: sqlite3.Connection) -> None:
    """Apply each registered migration not yet recorded, each in its own transaction.

    Names in ``_migrations`` that this version does not know (a newer stance wrote them)
    are ignored.
    """
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for fn in MIGRATIONS:
        with _transaction(db):
            # Re-checked inside the write lock so two processes opening at once agree.
            done = db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,))
            if done.fetchone() is not None:
                continue
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (fn.__name__, _now()),
            )
