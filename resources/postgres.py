"""Shared state in PostgreSQL (`PIPELINE_DATABASE_URL`), for a pipeline that runs on more than
one host: the request budgets, the fetch ledger and the lake's partition locks live in one
database every host reaches, instead of in files on one machine.

Everything is kept in the schema `interview_warehouse`, so the database may be the one Dagster's
instance uses. The database's clock stamps the budgets (hosts' clocks may differ); a row lock
serialises each budget; partition locks are session advisory locks. A killed process's
connection ends and PostgreSQL releases whatever it held: nothing needs a person to clean up.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg2
import psycopg2.extensions

T = TypeVar("T")
State = dict[str, Any]

SCHEMA = "interview_warehouse"
VARIABLE = "PIPELINE_DATABASE_URL"
DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.budgets (name text primary key, state text not null);
create table if not exists {SCHEMA}.outcomes (
    entity text not null, record_id text not null, version text, outcome text not null,
    run_id text not null, recorded_at text not null, primary key (entity, record_id));
create table if not exists {SCHEMA}.repairs (
    entity text not null, "window" text not null, reason text not null,
    recorded_at text not null, primary key (entity, "window"));
create table if not exists {SCHEMA}.lake_objects (key text primary key, version text not null);
"""
DDL_LOCK = 7_091_551  # an advisory lock key: concurrent `create … if not exists` can collide
LOCK, UNLOCK = ("select pg_advisory_lock(hashtextextended(%s, 0))",
                "select pg_advisory_unlock(hashtextextended(%s, 0))")


def libpq_dsn(url: str) -> str:
    """SQLAlchemy's driver suffix (the form Dagster's `postgres_url` wants) is not libpq's."""
    return url.replace("postgresql+psycopg2://", "postgresql://", 1)


@contextmanager
def session_lock(url: str, key: str) -> Iterator[None]:
    """An advisory lock on a connection of its own, released when the block ends (or the
    process dies): for a database that is not the pipeline's (Dagster's, say)."""
    connection = psycopg2.connect(libpq_dsn(url), connect_timeout=10)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(LOCK, (key,))
        yield
    finally:
        connection.close()


class SharedStateError(RuntimeError):
    """The shared database cannot be reached or used; names the variable, never its value."""


class Database:
    """One PostgreSQL database: a connection per thread for transactions, another for locks."""

    schema = SCHEMA
    _instances: dict[str, Database] = {}
    _instances_lock = threading.Lock()

    def __init__(self, url: str) -> None:
        self._dsn = libpq_dsn(url)
        self._local = threading.local()
        try:
            with self.transaction() as cursor:
                cursor.execute("select pg_advisory_xact_lock(%s)", (DDL_LOCK,))
                cursor.execute(DDL)
        except psycopg2.Error as exc:
            raise SharedStateError(f"{VARIABLE}: cannot create the schema {SCHEMA}: "
                                   f"{_reason(exc)}") from None

    @classmethod
    def get(cls, url: str) -> Database:
        """One per URL in a process (its schema is checked once)."""
        with cls._instances_lock:
            if url not in cls._instances:
                cls._instances[url] = cls(url)
            return cls._instances[url]

    def _connect(self, autocommit: bool = False) -> psycopg2.extensions.connection:
        try:
            connection = psycopg2.connect(self._dsn, connect_timeout=10,
                                          application_name="interview-warehouse")
        except psycopg2.Error as exc:
            raise SharedStateError(f"{VARIABLE}: cannot connect: {_reason(exc)}") from None
        connection.autocommit = autocommit
        return connection

    def _connection(self, name: str, autocommit: bool) -> psycopg2.extensions.connection:
        connection = getattr(self._local, name, None)
        if connection is None or connection.closed:
            connection = self._connect(autocommit)
            setattr(self._local, name, connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[psycopg2.extensions.cursor]:
        """A cursor in a transaction, committed when the block ends (rolled back if it raises)."""
        connection = self._connection("tx", autocommit=False)
        try:
            with connection, connection.cursor() as cursor:
                yield cursor
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            connection.close()  # a broken connection: the next call opens a new one
            raise

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Held across hosts until the block ends (or the process dies)."""
        connection = self._connection("locks", autocommit=True)
        with connection.cursor() as cursor:
            cursor.execute(LOCK, (key,))
            try:
                yield
            finally:
                cursor.execute(UNLOCK, (key,))


class ObjectVersions:
    """A version token per lake object, set after each upload (`object_lake.py`): object times
    have one-second resolution, so two writes of one object in a second, of one size, look
    alike in a listing; their tokens do not."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def read(self, prefix: str) -> dict[str, str]:
        with self.database.transaction() as cursor:
            cursor.execute(f"select key, version from {SCHEMA}.lake_objects where "
                           "starts_with(key, %s)", (prefix,))
            return dict(cursor.fetchall())

    def get(self, key: str) -> str | None:
        with self.database.transaction() as cursor:
            cursor.execute(f"select version from {SCHEMA}.lake_objects where key = %s", (key,))
            row = cursor.fetchone()
        return row[0] if row else None

    def set(self, key: str, version: str) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(f"insert into {SCHEMA}.lake_objects values (%s, %s) on conflict "
                           "(key) do update set version = excluded.version", (key, version))


def _reason(exc: Exception) -> str:
    """libpq's message names the host and the user, never the password; its first line says
    what failed."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


class PostgresTimeline:
    """A request budget's timeline (see `budget.py`) in a row of `budgets`, stamped by the
    database's clock so that every host paces on the same time."""

    def __init__(self, database: Database, name: str) -> None:
        self.database, self.name = database, name

    def update(self, change: Callable[[State, float], T]) -> tuple[T, float]:
        with self.database.transaction() as cursor:
            cursor.execute(f"insert into {SCHEMA}.budgets values (%s, '{{}}') "
                           "on conflict do nothing", (self.name,))
            cursor.execute(f"select state, extract(epoch from clock_timestamp()) "
                           f"from {SCHEMA}.budgets where name = %s for update", (self.name,))
            text, now = cursor.fetchone()
            state = json.loads(text)
            result = change(state, float(now))
            cursor.execute(f"update {SCHEMA}.budgets set state = %s where name = %s",
                           (json.dumps(state), self.name))
        return result, float(now)
