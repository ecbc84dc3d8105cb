"""Every run kept: the SQLite run store behind `stance runs`, `stance compare ID` and grids."""

from stance.runstore.store import MIGRATIONS, RunStore, StoredRun, default_runs_path, open_store

__all__ = ["MIGRATIONS", "RunStore", "StoredRun", "default_runs_path", "open_store"]
