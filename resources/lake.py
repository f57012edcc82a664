"""The Parquet lake: `<lake>/raw/<source>/<entity>/date=YYYY-MM-DD/data.parquet`, where `<lake>`
is `WAREHOUSE_DIR/lake` unless `LAKE_URL` says otherwise.

One file per partition. A write merges the new rows into the partition by id (`merge.py`),
writes a temporary file and renames it over the old one: readers see the old partition or the
new one, never a torn file. A file lock per partition serialises concurrent runs that touch the
same partition. The footer records which run wrote the file, which is how a re-executed run
knows which windows it already committed.

A file that cannot be read is never deleted and never blocks the lake: it is moved aside under
`lake/_quarantine/` with the reason beside it, and `on_quarantine` is told, so that its
partition is fetched again. Records that break the contract are kept in
`lake/rejected/<source>/<entity>/data.parquet` (`Rejections`).
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from resources.merge import conform, dedupe, merge
from resources.object_lake import ObjectMirror
from resources.quarantine import UNREADABLE, Quarantine, Quarantined
from resources.records import RunInfo
from resources.schemas import EntitySpec
from resources.sources import ALL_SPECS

FILE = "data.parquet"
# An empty file with the entity's current schema, beside the partitions: readers that glob
# `<entity>/**/*.parquet` get every column even before the first record (or a source that is
# not configured) lands, and files written before a schema change read together with it.
SCHEMA_FILE = "_schema.parquet"
PARTITION = "_partition"  # the day of the partition a row of `Lake.state` came from


@dataclass(frozen=True)
class WriteResult:
    day: date
    path: Path
    rows: int  # rows in the partition after the write
    inserted: int
    updated: int
    unchanged: int
    bytes: int  # size of the partition file
    written: bool  # False when nothing changed and the file was left alone


class Lake:
    """`root` (default `<warehouse_dir>/lake`) may be elsewhere, on a filesystem every host
    mounts; then `locks` should be locks every host sees (`postgres.Database.lock`)."""

    def __init__(self, warehouse_dir: str | Path, on_quarantine: Quarantined | None = None,
                 root: Path | None = None,
                 locks: Callable[[str], AbstractContextManager[object]] | None = None,
                 mirror: ObjectMirror | None = None) -> None:
        self.root = root or Path(warehouse_dir).resolve() / "lake"
        self._locks, self.mirror = locks, mirror
        self.raw = self.root / "raw"
        self._quarantine = Quarantine(self.root, on_quarantine)
        self._schema_files: set[str] = set()  # checked by this instance: once, not per write

    def quarantine(self, spec: EntitySpec, day: date, path: Path, error: BaseException
                   ) -> Path:
        target = self._quarantine.move(spec, day, path, error)
        if self.mirror is not None:
            for moved in (target, target.with_suffix(".reason.json")):
                self.mirror.push(moved, moved)
            self.mirror.delete(path)
        return target

    def commit(self, path: Path, table: pa.Table) -> None:
        """Write a whole file atomically. With a mirror the complete file is uploaded before
        it takes its place here (the upload is the commit point): a file in the mirror is
        always one the bucket holds, never a write that did not reach it."""
        if self.mirror is None:
            self._atomic_write(path, table)
            return
        mirror = self.mirror
        self._atomic_write(path, table, before=lambda written: mirror.push(written, path))

    def refresh(self, path: Path) -> None:
        """Before a read-modify-write under the file's lock: with a mirror, the object's current
        version (another host may have written it since the pull)."""
        if self.mirror is not None:
            self.mirror.refresh(path)

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        if self.mirror is not None:
            self.mirror.delete(path)

    def entity_dir(self, spec: EntitySpec) -> Path:
        return self.raw / spec.source / spec.entity

    def partition_path(self, spec: EntitySpec, day: date) -> Path:
        return self.entity_dir(spec) / f"date={day.isoformat()}" / FILE

    def partitions(self, spec: EntitySpec) -> Iterator[tuple[date, Path]]:
        base = self.entity_dir(spec)
        if base.is_dir():
            for path in sorted(base.glob(f"date=*/{FILE}")):
                yield date.fromisoformat(path.parent.name.removeprefix("date=")), path

    def landed_dates(self, spec: EntitySpec) -> list[date]:
        return [day for day, _ in self.partitions(spec)]

    def scan_sql(self, spec: EntitySpec) -> str:
        """A DuckDB table function over every file of the entity (the schema file included)."""
        glob = (self.entity_dir(spec) / "**" / "*.parquet").as_posix().replace("'", "''")
        return f"read_parquet('{glob}', union_by_name = true, hive_partitioning = false)"

    def ensure_schema_files(self) -> None:
        """Every entity readable, landed or not (a source may not be configured)."""
        for spec in ALL_SPECS:
            self.ensure_schema_file(spec)

    def ensure_schema_file(self, spec: EntitySpec) -> None:
        if spec.name in self._schema_files:
            return
        path = self.entity_dir(spec) / SCHEMA_FILE
        try:
            current = path.exists() and pq.read_schema(path).remove_metadata().equals(
                spec.schema())
        except UNREADABLE:
            current = False  # a damaged schema file carries no data: simply rewritten
        if not current:
            self.commit(path, spec.schema().empty_table())
        self._schema_files.add(spec.name)

    def footer(self, spec: EntitySpec, day: date) -> dict[str, str]:
        path = self.partition_path(spec, day)
        try:
            metadata = pq.read_schema(path).metadata or {} if path.exists() else {}
        except UNREADABLE as exc:
            self.quarantine(spec, day, path, exc)
            return {}
        return {k.decode(): v.decode() for k, v in metadata.items() if k.startswith(b"iw_")}

    def committed_by(self, spec: EntitySpec, root_run_id: str) -> set[date]:
        """Partitions this run family (a run and its re-executions) already committed."""
        return {d for d in self.landed_dates(spec)
                if self.footer(spec, d).get("iw_root_run_id") == root_run_id}

    def state(self, spec: EntitySpec, columns: list[str]) -> pa.Table:
        """Selected columns of every landed row, plus `_partition` (its day). One scan of all
        the entity's files; if one cannot be read, file by file, quarantining the bad one."""
        wanted = [spec.key, *[c for c in columns if c != spec.key]]
        schema = pa.schema([spec.schema().field(c) for c in wanted])
        found = list(self.partitions(spec))
        try:
            return self._scan(spec, [p for _, p in found], schema)
        except UNREADABLE:
            pass  # one file is bad: find it below
        tables = []
        for day, path in found:
            table = self._read(spec, day, path, wanted)
            if table is not None:
                table = conform(table, schema)
                tables.append(table.append_column(
                    PARTITION, pa.array([day.isoformat()] * table.num_rows, pa.string())))
        if not tables:
            return schema.empty_table().append_column(PARTITION, pa.array([], pa.string()))
        return pa.concat_tables(tables)

    def _scan(self, spec: EntitySpec, paths: list[Path], schema: pa.Schema) -> pa.Table:
        """`schema`'s columns of `paths`, and the partition of each row, in one scan."""
        full = schema.append(pa.field(PARTITION, pa.string()))
        if not paths:
            return full.empty_table()
        scanned = ds.dataset([str(p) for p in paths], schema=full, format="parquet",
                             partitioning=ds.DirectoryPartitioning(
                                 pa.schema([pa.field(PARTITION, pa.string())])),
                             partition_base_dir=str(self.entity_dir(spec)))
        table = scanned.to_table(columns=full.names)
        days = pc.utf8_slice_codeunits(table[PARTITION], len("date="))
        return table.set_column(table.schema.get_field_index(PARTITION), PARTITION, days)

    def partition_rows(self, spec: EntitySpec, day: date) -> tuple[int, int]:
        """Rows and bytes of a partition's file, from its footer."""
        path = self.partition_path(spec, day)
        try:
            return pq.read_metadata(path).num_rows, path.stat().st_size
        except (FileNotFoundError, *UNREADABLE):
            return 0, 0

    def ids(self, spec: EntitySpec) -> set[str]:
        """Distinct ids landed (for a snapshot, in the latest snapshot)."""
        if spec.partitioned:
            return {str(i) for i in self.state(spec, []).column(spec.key).to_pylist()}
        days = self.landed_dates(spec)
        table = self.read_partition(spec, days[-1]) if days else None
        return set() if table is None else {str(i) for i in table[spec.key].to_pylist()}

    def read_partition(self, spec: EntitySpec, day: date) -> pa.Table | None:
        path = self.partition_path(spec, day)
        table = self._read(spec, day, path) if path.exists() else None
        return None if table is None else conform(table, spec.schema())

    def merge(self, spec: EntitySpec, day: date, new: pa.Table, run: RunInfo) -> WriteResult:
        """Merge `new` into the partition by id; the newer `spec.version` wins."""
        path = self.partition_path(spec, day)
        with self._lock(spec, day):
            self.refresh(path)
            old = self.read_partition(spec, day)
            merged, counts = merge(spec, old, new)
            written = old is None or counts.inserted + counts.updated > 0
            if written:
                self._write(path, merged, run)
        self.ensure_schema_file(spec)
        return WriteResult(day, path, merged.num_rows, counts.inserted, counts.updated,
                           counts.unchanged, _size(path), written)

    def replace(self, spec: EntitySpec, day: date, table: pa.Table, run: RunInfo) -> WriteResult:
        """Replace the partition wholesale (snapshots of reference entities); an identical
        snapshot leaves the file alone, so a sync that found nothing new changes nothing."""
        path = self.partition_path(spec, day)
        table = dedupe(spec, table)
        with self._lock(spec, day):
            self.refresh(path)
            old = self.read_partition(spec, day)
            _, counts = merge(spec, old, table)
            written = old is None or old.num_rows != table.num_rows or (
                counts.inserted + counts.updated > 0)
            if written:
                self._write(path, table, run)
        self.ensure_schema_file(spec)
        return WriteResult(day, path, table.num_rows, counts.inserted, counts.updated,
                           counts.unchanged, _size(path), written)

    def _read(self, spec: EntitySpec, day: date, path: Path, columns: list[str] | None = None
              ) -> pa.Table | None:
        try:
            present = pq.read_schema(path).names
            return pq.read_table(path, columns=[c for c in columns or present if c in present])
        except (FileNotFoundError, PermissionError):
            if not path.exists():
                return None
            raise  # not the file's fault: never a reason to move it aside
        except UNREADABLE as exc:
            self.quarantine(spec, day, path, exc)
            return None

    def _lock(self, spec: EntitySpec, day: date) -> AbstractContextManager[object]:
        return self.lock(f"{spec.source}/{spec.entity}/{day.isoformat()}")

    def lock(self, name: str) -> AbstractContextManager[object]:
        """A lock on one file of the lake, for every process that writes it (every host's,
        with `locks`)."""
        if self._locks is not None:
            return self._locks(f"lake:{name}")
        lock = self.root / "_locks" / f"{name}.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        return _file_lock(lock)

    def _write(self, path: Path, table: pa.Table, run: RunInfo) -> None:
        footer = {"iw_run_id": run.run_id, "iw_root_run_id": run.root_run_id,
                  "iw_written_at": datetime.now(UTC).isoformat()}
        self.commit(path, table.replace_schema_metadata(
            {**(table.schema.metadata or {}), **footer}))

    @staticmethod
    def _atomic_write(path: Path, table: pa.Table,
                      before: Callable[[Path], object] | None = None) -> None:
        """`before(tmp)` runs on the complete file before it replaces `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(table, tmp, compression="zstd")
            if before is not None:
                before(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """The operating system's lock on `path`, released when the process dies. Taken for every
    partition written, so it is the bare `flock` (a tenth of a merge's CPU went to the
    `filelock` package's bookkeeping)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
