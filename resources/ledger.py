"""Outcomes of child fetches that leave no row in the lake: a 404 (a deleted interview, an
export that is gone) or an empty answer. Remembered with the parent's version, so the next run
does not ask again until the parent changes, and reported in asset metadata."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
create table if not exists outcomes (
    entity text not null,
    record_id text not null,
    version text,
    outcome text not null,
    run_id text not null,
    recorded_at text not null,
    primary key (entity, record_id)
)
"""


class Ledger:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("pragma journal_mode=wal")
        return db

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

    def forget(self, entity: str, record_ids: Iterable[str]) -> None:
        with self._connect() as db:
            db.executemany("delete from outcomes where entity = ? and record_id = ?",
                           [(entity, record_id) for record_id in record_ids])
