"""Where the lake, the ledger and the DuckDB warehouse live (`WAREHOUSE_DIR`, `LAKE_URL`).

The warehouse is `WAREHOUSE_DIR/warehouse.duckdb`, and analysts may hold it open read-only at any
time. DuckDB lets one process write a file and locks it, so a build never writes that file: it
copies it to `build/warehouse.duckdb`, builds there, and renames the result over the old file.
An open reader keeps the build it opened (the old inode) and a new reader sees the new one; no
reader ever sees a half-built warehouse, and no reader can make a build fail.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from filelock import FileLock, Timeout

from resources.lake import Lake
from resources.ledger import Ledger
from resources.object_lake import ObjectMirror
from resources.schemas import EntitySpec

if TYPE_CHECKING:
    from resources.postgres import Database

DEFAULT_WAREHOUSE_DIR = "./warehouse"
WAREHOUSE_FILE = "warehouse.duckdb"
LOCK_REPORT_SECONDS = 30.0
DEFAULT_LOCK_WAIT_SECONDS = 1800.0
log = logging.getLogger("interview_warehouse.warehouse")


class WarehouseBusy(Exception):
    """Another build held the warehouse for longer than this one may wait."""


class WarehouseFiles:
    """`publish(path)` makes each swapped-in build readable by other hosts, beside a shared
    lake: a copy renamed into place, or one object, so that they open a whole build or the
    previous one, never a copy in progress."""

    def __init__(self, root: Path, publish: Callable[[Path], None] | None = None) -> None:
        self.publish = publish
        self.path = root / WAREHOUSE_FILE
        self.build_path = root / "build" / WAREHOUSE_FILE
        self._lock = root / "state" / "warehouse-build.lock"
        self._owner = root / "state" / "warehouse-build.owner"

    def _acquire(self, lock: FileLock, limit: float) -> None:
        """The lock is the operating system's: a build that dies releases it at once. A live
        build is waited for, at WARNING every half minute, and at most `limit` seconds."""
        started = time.monotonic()
        while True:
            try:
                lock.acquire(timeout=LOCK_REPORT_SECONDS)
                self._owner.write_text(json.dumps({"host": socket.gethostname(),
                                                   "pid": os.getpid()}))
                return
            except Timeout:
                waited = time.monotonic() - started
                owner = self._owner.read_text() if self._owner.exists() else "unknown"
                log.warning("waiting %.0f s for the warehouse build lock %s, held by %s",
                            waited, self._lock, owner)
                if waited >= limit:
                    raise WarehouseBusy(f"another build ({owner}) held {self._lock} for more "
                                        f"than {limit:.0f} s") from None

    def _clear_build(self) -> None:
        for leftover in (self.build_path, self.build_path.with_name(WAREHOUSE_FILE + ".wal")):
            leftover.unlink(missing_ok=True)

    @contextmanager
    def build(self) -> Iterator[Path]:
        """A private copy of the warehouse to build into; swapped in only if the block succeeds.

        The Dagster pool already runs one build at a time per instance; the file lock also
        covers builds from another instance (the CLI beside `dagster dev`, say)."""
        self._lock.parent.mkdir(parents=True, exist_ok=True)
        self.build_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._lock))
        self._acquire(lock, float(os.environ.get("WAREHOUSE_LOCK_WAIT_SECONDS")
                                  or DEFAULT_LOCK_WAIT_SECONDS))
        try:
            self._clear_build()
            try:
                if self.path.exists():
                    # Models a subset run does not rebuild keep their previous content.
                    shutil.copyfile(self.path, self.build_path)
                yield self.build_path
                os.replace(self.build_path, self.path)
                if self.publish is not None:
                    self.publish(self.path)
            finally:
                self._clear_build()
        finally:
            lock.release()


def lake_path(lake_url: str | None, warehouse_dir: str | Path) -> Path:
    """The lake's folder: `LAKE_URL` (`file://…` or a path, for example on a filesystem every
    host mounts), by default `WAREHOUSE_DIR/lake`, which is also where a lake in object
    storage (`s3://…`) is mirrored."""
    scheme, _, rest = (lake_url or "").partition("://")
    if not lake_url or scheme == "s3":
        return Path(warehouse_dir).resolve() / "lake"
    if not rest:
        return Path(lake_url).resolve()
    if scheme == "file":
        return Path(rest).resolve()
    raise ValueError(f"LAKE_URL: {scheme}:// is not a lake this pipeline can use; give a path, "
                     "a file:// URL (a filesystem every host mounts) or an s3:// URL")


def publish_copy(folder: Path, path: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(path, tmp)
        os.replace(tmp, folder / path.name)
    finally:
        tmp.unlink(missing_ok=True)


class LakeResource(dg.ConfigurableResource):
    """The Parquet lake (`LAKE_URL`, by default `WAREHOUSE_DIR/lake`), the fetch ledger and the
    warehouse file in `WAREHOUSE_DIR`. With `PIPELINE_DATABASE_URL` the ledger and the
    partitions' locks are in that PostgreSQL database, shared by every host."""

    warehouse_dir: str = DEFAULT_WAREHOUSE_DIR
    lake_url: str | None = None
    database_url: str | None = None

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir).resolve()

    @property
    def lake_root(self) -> Path:
        return lake_path(self.lake_url, self.root)

    def _database(self) -> Database | None:
        if not self.database_url:
            return None
        from resources.postgres import Database  # only where it is used

        return Database.get(self.database_url)

    def lake(self) -> Lake:
        ledger = self.ledger()

        def refetch(spec: EntitySpec, day: date, path: Path, reason: str) -> None:
            # Children are fetched again from their parents' state; snapshots are re-taken.
            if spec.partitioned and not spec.child:
                ledger.add_repair(spec.name, {"first": day.isoformat(), "last": day.isoformat()},
                                  f"quarantined {path}: {reason}")

        database, mirror = self._database(), self.mirror()
        if mirror is not None:
            mirror.pull()
        return Lake(self.root, on_quarantine=refetch, root=self.lake_root,
                    locks=database.lock if database is not None else None, mirror=mirror)

    def mirror(self) -> ObjectMirror | None:
        """With a lake in object storage, its mirror on this host."""
        if not (self.lake_url or "").startswith("s3://"):
            return None
        database = self._database()
        versions = None
        if database is not None:
            from resources.postgres import ObjectVersions

            versions = ObjectVersions(database)
        return ObjectMirror.get(self.lake_url, self.lake_root, versions)  # type: ignore[arg-type]

    def ledger(self) -> Ledger:
        database = self._database()
        if database is not None:
            return Ledger.shared(database)
        return Ledger(self.root / "state" / "ledger.sqlite")

    def warehouse_files(self) -> WarehouseFiles:
        # A lake of its own (`LAKE_URL`) is one other hosts read: so is the warehouse then.
        mirror = self.mirror()
        if mirror is not None:
            return WarehouseFiles(self.root, publish=lambda path: mirror.upload(
                path, f"published/{WAREHOUSE_FILE}"))
        return WarehouseFiles(self.root, publish=partial(
            publish_copy, self.lake_root / "published") if self.lake_url else None)
