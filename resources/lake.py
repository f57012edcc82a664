"""The Parquet lake: `<warehouse>/lake/raw/<source>/<entity>/date=YYYY-MM-DD/data.parquet`.

One file per partition. A write merges the new rows into the partition by id (the newer version
wins, an identical row keeps its original lineage, so a re-run changes nothing), writes a
temporary file and renames it over the old one: readers see the old partition or the new one,
never a torn file. A file lock per partition serialises concurrent runs that touch the same
partition. The footer records which run wrote the file, which is how a re-executed run knows
which windows it already committed.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from filelock import FileLock

from resources.records import RunInfo
from resources.schemas import ALL_SPECS, EntitySpec

FILE = "data.parquet"
# An empty file with the entity's current schema, beside the partitions: readers that glob
# `<entity>/**/*.parquet` get every column even before the first record (or a source that is
# not configured) lands, and files written before a schema change read together with it.
SCHEMA_FILE = "_schema.parquet"


@dataclass(frozen=True)
class WriteResult:
    day: date
    path: Path
    rows: int  # rows in the partition after the write
    inserted: int
    updated: int
    unchanged: int
    written: bool  # False when nothing changed and the file was left alone


class Lake:
    def __init__(self, warehouse_dir: str | Path) -> None:
        self.root = Path(warehouse_dir).resolve() / "lake"
        self.raw = self.root / "raw"
        self._schema_files: set[str] = set()  # checked by this instance: once, not per write

    def entity_dir(self, spec: EntitySpec) -> Path:
        return self.raw / spec.source / spec.entity

    def partition_path(self, spec: EntitySpec, day: date) -> Path:
        return self.entity_dir(spec) / f"date={day.isoformat()}" / FILE

    def landed_dates(self, spec: EntitySpec) -> list[date]:
        base = self.entity_dir(spec)
        if not base.is_dir():
            return []
        return sorted(date.fromisoformat(p.parent.name.removeprefix("date="))
                      for p in base.glob(f"date=*/{FILE}"))

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
        schema = spec.schema()
        if not (path.exists() and pq.read_schema(path).remove_metadata().equals(schema)):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.parent / f".{SCHEMA_FILE}.{uuid.uuid4().hex}.tmp"
            try:
                pq.write_table(schema.empty_table(), tmp)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
        self._schema_files.add(spec.name)

    def footer(self, spec: EntitySpec, day: date) -> dict[str, str]:
        path = self.partition_path(spec, day)
        if not path.exists():
            return {}
        metadata = pq.read_schema(path).metadata or {}
        return {k.decode(): v.decode() for k, v in metadata.items() if k.startswith(b"iw_")}

    def committed_by(self, spec: EntitySpec, root_run_id: str) -> set[date]:
        """Partitions this run family (a run and its re-executions) already committed."""
        return {d for d in self.landed_dates(spec)
                if self.footer(spec, d).get("iw_root_run_id") == root_run_id}

    def state(self, spec: EntitySpec, columns: list[str]) -> pa.Table:
        """Selected columns of every landed row, plus `date` (the partition)."""
        base = self.entity_dir(spec)
        wanted = [spec.key, *[c for c in columns if c != spec.key]]
        if not self.landed_dates(spec):
            schema = spec.schema()
            return pa.table({**{c: pa.array([], schema.field(c).type) for c in wanted},
                             "date": pa.array([], pa.string())})
        dataset = ds.dataset(
            base, format="parquet", schema=spec.schema().append(pa.field("date", pa.string())),
            partitioning=ds.partitioning(pa.schema([("date", pa.string())]), flavor="hive"))
        return dataset.to_table(columns=[*wanted, "date"])

    def read_partition(self, spec: EntitySpec, day: date) -> pa.Table | None:
        path = self.partition_path(spec, day)
        return _conform(pq.read_table(path), spec.schema()) if path.exists() else None

    def merge(self, spec: EntitySpec, day: date, new: pa.Table, run: RunInfo) -> WriteResult:
        """Merge `new` into the partition by id; the newer `spec.version` wins."""
        path = self.partition_path(spec, day)
        with self._lock(spec, day):
            old = self.read_partition(spec, day)
            merged, inserted, updated, unchanged = _merge(spec, old, _dedupe(spec, new))
            written = old is None or inserted + updated > 0
            if written:
                self._write(path, merged, run)
        self.ensure_schema_file(spec)
        return WriteResult(day, path, merged.num_rows, inserted, updated, unchanged, written)

    def replace(self, spec: EntitySpec, day: date, table: pa.Table, run: RunInfo) -> WriteResult:
        """Replace the partition wholesale (snapshots of reference entities)."""
        path = self.partition_path(spec, day)
        with self._lock(spec, day):
            self._write(path, _dedupe(spec, table), run)
        self.ensure_schema_file(spec)
        return WriteResult(day, path, table.num_rows, table.num_rows, 0, 0, True)

    def _lock(self, spec: EntitySpec, day: date) -> FileLock:
        lock = self.root / "_locks" / spec.source / spec.entity / f"{day.isoformat()}.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(lock))

    def _write(self, path: Path, table: pa.Table, run: RunInfo) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        footer = {"iw_run_id": run.run_id, "iw_root_run_id": run.root_run_id,
                  "iw_written_at": datetime.now(UTC).isoformat()}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **footer})
        tmp = path.parent / f".{FILE}.{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Files written before a column existed read with that column as nulls."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table[field.name].cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _dedupe(spec: EntitySpec, table: pa.Table) -> pa.Table:
    """One row per id: the newest version, else the last one seen."""
    keys = table[spec.key].to_pylist()
    versions = table[spec.version].to_pylist() if spec.version else [None] * len(keys)
    best: dict[object, int] = {}
    for index, (key, version) in enumerate(zip(keys, versions, strict=True)):
        current = best.get(key)
        if current is None or not _older(version, versions[current]):
            best[key] = index
    if len(best) == len(keys):
        return table
    return table.take(sorted(best.values()))


def _older(a: object, b: object) -> bool:
    return a is not None and b is not None and a < b  # type: ignore[operator]


def _merge(spec: EntitySpec, old: pa.Table | None, new: pa.Table
           ) -> tuple[pa.Table, int, int, int]:
    if old is None:
        return _sorted(spec, new), new.num_rows, 0, 0
    old_index = {k: i for i, k in enumerate(old[spec.key].to_pylist())}
    old_raw, new_raw = old["_raw_json"], new["_raw_json"]
    old_version = old[spec.version].to_pylist() if spec.version else None
    new_version = new[spec.version].to_pylist() if spec.version else None
    take_new, replaced = [], set()
    inserted = updated = unchanged = 0
    for j, key in enumerate(new[spec.key].to_pylist()):
        i = old_index.get(key)
        if i is None:
            take_new.append(j)
            inserted += 1
        elif old_raw[i].as_py() == new_raw[j].as_py() and (
                not spec.child or old["_parent_version"][i] == new["_parent_version"][j]):
            unchanged += 1  # keep the old row and its lineage: a re-run changes nothing
        elif old_version and new_version and _older(new_version[j], old_version[i]):
            unchanged += 1  # a concurrent run already landed a newer version
        else:
            take_new.append(j)
            replaced.add(i)
            updated += 1
    keep_old = pc.invert(pa.array([i in replaced for i in range(old.num_rows)], pa.bool_()))
    merged = pa.concat_tables([old.filter(keep_old), new.take(pa.array(take_new, pa.int64()))])
    return _sorted(spec, merged), inserted, updated, unchanged


def _sorted(spec: EntitySpec, table: pa.Table) -> pa.Table:
    return table.sort_by(spec.key) if table.num_rows else table
