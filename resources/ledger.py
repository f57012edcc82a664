"""What the lake alone cannot remember, in `WAREHOUSE_DIR/state/ledger.sqlite`.

- Outcomes of child fetches that leave no row in the lake: a 404 (a deleted interview, an export
  that is gone) or an empty answer. Remembered with the parent's version, so the next run does
  not ask again until the parent changes, and reported in asset metadata.
- Repairs: windows an entity must read again whatever the next run's range, because a listing
  of them did not settle or a partition of them was quarantined. The next run of the entity
  reads them and clears them once what it read has landed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

SCHEMA = """
create table if not exists outcomes (
    entity text not null,
    record_id text not null,
    version text,
    outcome text not null,
    run_id text not null,
    recorded_at text not null,
    primary key (entity, record_id)
);
create table if not exists repairs (
    entity text not null,
    window text not null,
    reason text not null,
    recorded_at text not null,
    primary key (entity, window)
);
"""


class Ledger:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Switching to WAL needs the database alone and does not wait for a busy one: done
        # once per file (it persists), with other openers held off by a file lock.
        with FileLock(str(self.path.with_suffix(".init.lock"))), self._connect() as db:
            db.execute("pragma journal_mode=wal")
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def known(self, entity: str) -> dict[str, str | None]:
        """record id -> the parent version at which the outcome was seen."""
        with self._connect() as db:
            rows = db.execute("select record_id, version from outcomes where entity = ?",
                              (entity,)).fetchall()
        return dict(rows)

    def record(self, entity: str, outcomes: Iterable[tuple[str, str | None, str]],
               run_id: str) -> None:
        now = datetime.now(UTC).isoformat()
        with self._connect() as db:
            db.executemany(
                "insert or replace into outcomes values (?, ?, ?, ?, ?, ?)",
                [(entity, record_id, version, outcome, run_id, now)
                 for record_id, version, outcome in outcomes])

    def add_repair(self, entity: str, window: dict[str, Any], reason: str) -> None:
        with self._connect() as db:
            db.execute("insert or replace into repairs values (?, ?, ?, ?)",
                       (entity, json.dumps(window, sort_keys=True), reason,
                        datetime.now(UTC).isoformat()))

    def repairs(self, entity: str) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("select window from repairs where entity = ? order by window",
                              (entity,)).fetchall()
        return [json.loads(window) for (window,) in rows]

    def clear_repairs(self, entity: str, windows: Iterable[dict[str, Any]]) -> None:
        with self._connect() as db:
            db.executemany("delete from repairs where entity = ? and window = ?",
                           [(entity, json.dumps(w, sort_keys=True)) for w in windows])
