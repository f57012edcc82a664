"""What the lake alone cannot remember, in `WAREHOUSE_DIR/state/ledger.sqlite` (or, with
`PIPELINE_DATABASE_URL`, in the shared PostgreSQL database).

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock

if TYPE_CHECKING:
    from resources.postgres import Database

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
    """In a SQLite file beside the warehouse (`Ledger(path)`), or in the shared PostgreSQL
    database (`Ledger.shared(database)`, see `postgres.py`): the same statements on both."""

    def __init__(self, path: str | Path | None = None, database: Database | None = None
                 ) -> None:
        self.database = database
        self.path = Path(path) if path is not None else None
        self._tables = f"{database.schema}." if database is not None else ""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Switching to WAL needs the database alone and does not wait for a busy one: done
            # once per file (it persists), with other openers held off by a file lock.
            with FileLock(str(self.path.with_suffix(".init.lock"))), \
                    sqlite3.connect(self.path, timeout=30) as db:
                db.execute("pragma journal_mode=wal")
                db.executescript(SCHEMA)

    @classmethod
    def shared(cls, database: Database) -> Ledger:
        return cls(database=database)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.database is not None:
            with self.database.transaction() as cursor:
                yield cursor
            return
        db = sqlite3.connect(self.path, timeout=30)  # type: ignore[arg-type]
        try:
            with db:
                yield db.cursor()
        finally:
            db.close()

    def _sql(self, statement: str) -> str:
        statement = statement.replace("{t}", self._tables)
        return statement.replace("?", "%s") if self.database is not None else statement

    def known(self, entity: str) -> dict[str, str | None]:
        """record id -> the parent version at which the outcome was seen."""
        with self._cursor() as cursor:
            cursor.execute(self._sql("select record_id, version from {t}outcomes "
                                     "where entity = ?"), (entity,))
            return dict(cursor.fetchall())

    def record(self, entity: str, outcomes: Iterable[tuple[str, str | None, str]],
               run_id: str) -> None:
        now = datetime.now(UTC).isoformat()
        with self._cursor() as cursor:
            cursor.executemany(self._sql(
                "insert into {t}outcomes values (?, ?, ?, ?, ?, ?) "
                "on conflict (entity, record_id) do update set version = excluded.version, "
                "outcome = excluded.outcome, run_id = excluded.run_id, "
                "recorded_at = excluded.recorded_at"),
                [(entity, record_id, version, outcome, run_id, now)
                 for record_id, version, outcome in outcomes])

    def add_repair(self, entity: str, window: dict[str, Any], reason: str) -> None:
        with self._cursor() as cursor:
            cursor.execute(self._sql(
                'insert into {t}repairs values (?, ?, ?, ?) on conflict (entity, "window") '
                "do update set reason = excluded.reason, recorded_at = excluded.recorded_at"),
                (entity, json.dumps(window, sort_keys=True), reason,
                 datetime.now(UTC).isoformat()))

    def repairs(self, entity: str) -> list[dict[str, Any]]:
        with self._cursor() as cursor:
            cursor.execute(self._sql('select "window" from {t}repairs where entity = ? '
                                     'order by "window"'), (entity,))
            return [json.loads(window) for (window,) in cursor.fetchall()]

    def clear_repairs(self, entity: str, windows: Iterable[dict[str, Any]]) -> None:
        with self._cursor() as cursor:
            cursor.executemany(self._sql('delete from {t}repairs where entity = ? '
                                         'and "window" = ?'),
                               [(entity, json.dumps(w, sort_keys=True)) for w in windows])
