"""Dagster's SQLite event log, with the cost of a write cut to the write itself.

The stock `SqliteEventLogStorage` builds a new SQLAlchemy engine for every event it stores (and
for every `has_table` or column question it asks on the way), then commits with a full fsync,
twice per asset event (the run's database and the index). A 92-day sync stores about two
thousand events, one per partition materialization and per dbt test, and that bookkeeping took
about 40 s of CPU, as much as the sync's own work. This subclass keeps one engine per database
file for the process, remembers the schema, stores one output's partition events as one batch
(each event serialized once, the asset's row updated once per kind of event), and commits
with `synchronous=NORMAL`: in WAL mode (which Dagster sets) that survives a process crash and
may lose the last commits on a power cut (the lake, not the event log, is the record of what
landed).

Same files, same schema: a process on the stock storage reads what this writes. The
`dagster.yaml` that `sync` and `dev.py ui` write names it (`pipelines/sync.py`), so runs from
the CLI and from the UI both use it; instances with `DAGSTER_POSTGRES_URL` do not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string

ASSET, CHECK = "asset", "check"
MAX_ENGINES = 8  # run shards are one file per run: a long-lived process must not keep them all


def _kind(event: EventLogEntry) -> str | None:
    if not event.is_dagster_event:
        return None
    kind = event.dagster_event_type
    return ASSET if kind in ASSET_EVENTS else CHECK if kind in ASSET_CHECK_EVENTS else None


def _pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqliteEventLog(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with engines kept per shard, table lookups remembered, and a
    batch of asset events (one output's partitions, with `DAGSTER_EVENT_BATCH_SIZE` set)
    written in one transaction per database instead of two per event."""

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._tables: set[str] = set()
        self._asset_key_columns: set[str] | None = None
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> SqliteEventLog:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sa.Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                # One pooled connection, not one per write: closing the last connection to a
                # WAL database checkpoints it. An idle connection holds no lock.
                engine = sa.create_engine(
                    create_db_conn_string(self._base_dir, shard), pool_size=1, max_overflow=4,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
                sa.event.listen(engine, "connect", _pragmas)
                self._engines[shard] = engine
                while len(self._engines) > MAX_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            else:
                self._engines.move_to_end(shard)
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """What `store_event` does for each event, in one transaction per database: the
        partitions of an output, or the planned asset and check events of a new run."""
        runs = {event.run_id for event in events}
        if len(runs) != 1 or not all(_kind(event) in (ASSET, CHECK) for event in events):
            super().store_event_batch(events)  # one at a time, as the stock storage does
            return
        rows = [self._event_to_row(event) for event in events]  # each event serialized once
        with self.run_connection(runs.pop()) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        # The index mirrors each event under its own id, as `store_event` does.
        with self.index_transaction() as conn:
            ids = list(conn.execute(SqlEventLogStorageTable.insert().returning(
                SqlEventLogStorageTable.c.id, sort_by_parameter_order=True), rows).scalars())
            assets = [(event, event_id) for event, event_id in zip(events, ids, strict=True)
                      if _kind(event) == ASSET]
            self._store_asset_event_tags(conn, [e for e, _ in assets], [i for _, i in assets])
            # An asset's row holds its latest event of each kind: a batch's last one of each
            # kind leaves it as every event in turn would, for one write instead of a hundred.
            latest = {(event.dagster_event_type, event.dagster_event.asset_key): (event, event_id)
                      for event, event_id in assets}
            for event, event_id in sorted(latest.values(), key=lambda pair: pair[1]):
                self._store_asset_event(conn, event, event_id)
        for event, event_id in zip(events, ids, strict=True):
            if _kind(event) == CHECK:
                self.store_asset_check_event(event, event_id)

    def _has_asset_key_col_on_connection(self, conn: sa.Connection, column_name: str) -> bool:
        # Asked for every asset event; columns are only ever added, by a migration.
        if self._asset_key_columns is None or column_name not in self._asset_key_columns:
            self._asset_key_columns = {
                c["name"] for c in sa.inspect(conn).get_columns("asset_keys")}
        return column_name in self._asset_key_columns

    def has_table(self, table_name: str) -> bool:
        # Tables are only ever added (by migrations), so a yes is kept and a no is asked again.
        if table_name in self._tables:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables.add(table_name)
        return found
