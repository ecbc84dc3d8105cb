"""The run store: every `stance eval` run and `stance extract` batch, kept in one SQLite file.

Reports used to be loose JSON files, so nothing remembered last week's runs and comparing
six configurations meant passing six paths. The store keeps each run's whole document (the
eval report, or the batch summary) plus the columns a listing, a trend or a power estimate
reads (metrics with intervals, per-article scores), so those queries need no JSON parsing.

It lives beside the response cache (``$STANCE_RUNS_DB``, else ``runs.sqlite`` in
``$STANCE_CACHE_DIR`` or the user cache dir). The schema is built by plain migration
functions applied in order and recorded in ``_migrations``, as the response cache is.
A run's digest (SHA-256 of its document) is unique, so importing a report twice keeps one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from stance.errors import CacheError, InputError
from stance.evaluation.report import EvalReport

__all__ = [
    "MIGRATIONS",
    "RunStore",
    "StoredRun",
    "default_runs_path",
    "open_store",
]

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def _migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@_migration
def m001_runs(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            stored_at TEXT NOT NULL,
            dataset TEXT,
            dataset_path TEXT,
            model TEXT,
            prompt TEXT,
            git_commit TEXT,
            git_dirty INTEGER,
            articles INTEGER,
            grid TEXT,
            label TEXT,
            digest TEXT NOT NULL UNIQUE,
            document TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_runs_dataset ON runs(dataset_path)")
    db.execute(
        """
        CREATE TABLE metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL, low REAL, high REAL,
            PRIMARY KEY (run_id, name)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE article_scores (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (run_id, article_id, metric)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE tags (
            tag TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE
        )
        """
    )


def default_runs_path() -> Path:
    """``$STANCE_RUNS_DB``, else ``runs.sqlite`` beside the response cache."""
    explicit = os.environ.get("STANCE_RUNS_DB")
    if explicit:
        return Path(explicit).expanduser()
    cache_dir = os.environ.get("STANCE_CACHE_DIR")
    if cache_dir:
        return Path(cache_dir).expanduser() / "runs.sqlite"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("stance")) / "runs.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dataset_key(path: str | None) -> str | None:
    """Datasets are matched by resolved folder, so `evals/gold` and `./evals/gold/` agree."""
    return None if not path else str(Path(path).expanduser().resolve())


@dataclass
class StoredRun:
    """One stored run: the columns a listing shows, and the document to rebuild it from."""

    id: int
    kind: str  # "eval" or "extract"
    created_at: str
    dataset: str | None
    dataset_path: str | None
    model: str | None
    prompt: str | None
    git_commit: str | None
    git_dirty: bool | None
    articles: int | None
    grid: str | None
    label: str | None
    document: str
    metrics: dict[str, float | None] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    @property
    def short_model(self) -> str:
        """``local:NAME`` without the GGUF suffix and size that only keep cache keys apart."""
        model = self.model or "?"
        if model.startswith("local:"):
            model = "local:" + model.split(":")[1].removesuffix(".gguf")
        return model

    @property
    def name(self) -> str:
        """How a comparison names this run: its label, else id, prompt and model."""
        return self.label or f"#{self.id} {self.prompt or '?'} {self.short_model}"

    def report(self) -> EvalReport:
        if self.kind != "eval":
            raise InputError(f"run {self.id} is a {self.kind} batch, not an eval run")
        return EvalReport.model_validate_json(self.document)


class RunStore:
    """The SQLite run store, opened (and migrated) at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.row_factory = sqlite3.Row
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"cannot open the run store {self.path}: {exc}") from exc

    def _migrate(self) -> None:
        db = self._db
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT)")
        done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            db.execute("BEGIN IMMEDIATE")
            try:
                fn(db)
                db.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, _now()))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------

    def add_report(
        self, report: EvalReport, *, grid: str | None = None, label: str | None = None
    ) -> tuple[int, bool]:
        """Store an eval report; returns (run id, True) or (existing id, False) for a copy."""
        document = report.model_dump_json()
        m = report.manifest
        prompt = f"{m.prompt.name}@{m.prompt.version}" if m.prompt else None
        columns: dict[str, object] = {
            "kind": "eval", "created_at": m.created_at.isoformat(timespec="seconds"),
            "dataset": m.dataset, "dataset_path": _dataset_key(m.dataset_path),
            "model": m.model, "prompt": prompt, "git_commit": m.git_commit,
            "git_dirty": m.git_dirty, "articles": m.articles, "grid": grid, "label": label,
        }  # fmt: skip
        metrics = [(n, i.value, i.low, i.high) for n, i in report.metrics.items()]
        scores = [(a.id, name, value) for a in report.articles for name, value in a.metrics.items()]
        return self._insert(columns, document, metrics, scores)

    def add_batch(
        self,
        summary: dict[str, object],
        *,
        inputs: str,
        model: str | None,
        prompt: str | None,
    ) -> tuple[int, bool]:
        """Store a `stance extract` batch's summary (counts, tokens, time, output file)."""
        document = json.dumps(summary, sort_keys=True, default=str)
        count = summary.get("articles")
        columns: dict[str, object] = {
            "kind": "extract", "created_at": _now(), "dataset": inputs,
            "dataset_path": None, "model": model, "prompt": prompt, "git_commit": None,
            "git_dirty": None, "articles": count if isinstance(count, int) else None,
            "grid": None, "label": None,
        }  # fmt: skip
        metrics = [
            (k, float(v), None, None)
            for k, v in summary.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        return self._insert(columns, document, metrics, [])

    def _insert(
        self,
        columns: dict[str, object],
        document: str,
        metrics: Iterable[tuple[str, float | None, float | None, float | None]],
        scores: Iterable[tuple[str, str, float | None]],
    ) -> tuple[int, bool]:
        digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
        db = self._db
        found = db.execute("SELECT id FROM runs WHERE digest = ?", (digest,)).fetchone()
        if found:
            return int(found[0]), False
        names = [*columns, "stored_at", "digest", "document"]
        values = [*columns.values(), _now(), digest, document]
        db.execute("BEGIN IMMEDIATE")
        try:
            cursor = db.execute(
                f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                values,
            )
            run_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO metrics VALUES (?, ?, ?, ?, ?)", [(run_id, *m) for m in metrics]
            )
            db.executemany(
                "INSERT INTO article_scores VALUES (?, ?, ?, ?)", [(run_id, *s) for s in scores]
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return run_id, True

    def remove(self, run_ids: Iterable[int]) -> int:
        ids = list(run_ids)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            gone = sum(db.execute("DELETE FROM runs WHERE id = ?", (i,)).rowcount for i in ids)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return gone

    def tag(self, run_id: int, tag: str) -> None:
        """Name a run (``baseline``); a tag names one run, so tagging moves it."""
        self.get(run_id)
        self._db.execute("INSERT OR REPLACE INTO tags VALUES (?, ?)", (tag, run_id))

    # -- reading ------------------------------------------------------------------------------

    def runs(
        self, *, kind: str | None = None, dataset: str | None = None, limit: int | None = None
    ) -> list[StoredRun]:
        """Stored runs, newest first; ``dataset`` is a folder (matched resolved) or a name."""
        where: list[str] = []
        args: list[str | None] = []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if dataset:
            where.append("(dataset_path = ? OR dataset = ?)")
            args += [_dataset_key(dataset), dataset]
        sql = "SELECT * FROM runs" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY created_at DESC, id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        return [self._row(row) for row in self._db.execute(sql, args).fetchall()]

    def get(self, run_id: int) -> StoredRun:
        row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise InputError(f"no run {run_id} in {self.path} (see `stance runs list`)")
        return self._row(row)

    def resolve(self, ref: str, *, dataset: str | None = None) -> StoredRun:
        """A run by id (``12``, ``#12``), ``latest``, ``latest~N`` or a tag (``baseline``)."""
        text = ref.strip().lstrip("#")
        if text.isdigit():
            return self.get(int(text))
        if text == "latest" or text.startswith("latest~"):
            back = text.partition("~")[2] or "0"
            if not back.isdigit():
                raise InputError(f"{ref!r}: write latest or latest~N (N runs before the latest)")
            runs = self.runs(kind="eval", dataset=dataset, limit=int(back) + 1)
            if len(runs) <= int(back):
                raise InputError(f"{ref!r}: only {len(runs)} eval runs are stored")
            return runs[int(back)]
        row = self._db.execute("SELECT run_id FROM tags WHERE tag = ?", (text,)).fetchone()
        if row is None:
            hint = " (tag one with `stance runs tag ID baseline`)" if text == "baseline" else ""
            raise InputError(f"{ref!r} is neither a file, a run id nor a run tag{hint}")
        return self.get(int(row[0]))

    def reports(self, dataset: str) -> list[EvalReport]:
        """Every stored eval report of ``dataset``, newest first (what `stance power` reads)."""
        return [run.report() for run in self.runs(kind="eval", dataset=dataset)]

    def interval(self, run_id: int, metric: str) -> tuple[float | None, ...] | None:
        """(value, low, high) of one stored metric, without parsing the run's report."""
        row = self._db.execute(
            "SELECT value, low, high FROM metrics WHERE run_id = ? AND name = ?", (run_id, metric)
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def _row(self, v: sqlite3.Row) -> StoredRun:
        run_id = int(str(v["id"]))
        metrics = {
            str(n): value
            for n, value in self._db.execute(
                "SELECT name, value FROM metrics WHERE run_id = ?", (run_id,)
            ).fetchall()
        }
        tags = [
            str(t[0]) for t in self._db.execute("SELECT tag FROM tags WHERE run_id = ?", (run_id,))
        ]

        def text(key: str) -> str | None:
            return None if v[key] is None else str(v[key])

        return StoredRun(
            id=run_id, kind=str(v["kind"]), created_at=str(v["created_at"]),
            dataset=text("dataset"), dataset_path=text("dataset_path"), model=text("model"),
            prompt=text("prompt"), git_commit=text("git_commit"),
            git_dirty=None if v["git_dirty"] is None else bool(v["git_dirty"]),
            articles=None if v["articles"] is None else int(str(v["articles"])),
            grid=text("grid"), label=text("label"), document=str(v["document"]),
            metrics=metrics, tags=tags,
        )  # fmt: skip


def open_store(path: Path | None = None) -> RunStore:
    return RunStore(path or default_runs_path())
