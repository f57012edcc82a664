"""Merging a batch into a partition by id, in Arrow: no row becomes a Python object.

The newer version wins; an identical row keeps the old one and its lineage, so a re-run changes
nothing; a row older than what is landed (a concurrent run landed a newer version) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from resources.schemas import EntitySpec


@dataclass(frozen=True)
class MergeCounts:
    inserted: int
    updated: int
    unchanged: int


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Files written before a column existed read with that column as nulls."""
    columns = [table[f.name].cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def dedupe(spec: EntitySpec, table: pa.Table) -> pa.Table:
    """One row per id: the newest version, else the last one seen."""
    if table.num_rows < 2 or pc.count_distinct(table[spec.key]).as_py() == table.num_rows:
        return table
    order = pa.array(range(table.num_rows), pa.int64())
    work = table.append_column("__order", order)
    sort = [(spec.key, "ascending", "at_start")]
    if spec.version:  # a row without a version counts as the oldest
        sort.append((spec.version, "ascending", "at_start"))
    work = work.sort_by([*sort, ("__order", "ascending", "at_start")])
    keys = work[spec.key]
    last = pc.not_equal(keys.slice(0, len(keys) - 1), keys.slice(1))
    keep = pa.concat_arrays([*last.chunks, pa.array([True])])
    return work.filter(keep).drop_columns(["__order"])


def _same(a: pa.ChunkedArray, b: pa.ChunkedArray) -> pa.ChunkedArray:
    """Null-safe equality."""
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(pc.fill_null(pc.equal(a, b), False), both_null)


def merge(spec: EntitySpec, old: pa.Table | None, new: pa.Table) -> tuple[pa.Table, MergeCounts]:
    new = dedupe(spec, new)
    if old is None or old.num_rows == 0:
        return _sorted(spec, new), MergeCounts(new.num_rows, 0, 0)
    match = pc.index_in(new[spec.key], value_set=old[spec.key].combine_chunks())
    inserted = pc.is_null(match)
    same = _same(new["_raw_json"], old["_raw_json"].take(match))
    if spec.child:
        same = pc.and_(same, _same(new["_parent_version"], old["_parent_version"].take(match)))
    take_new = pc.or_(inserted, pc.invert(same))
    if spec.version:
        older = pc.fill_null(pc.less(new[spec.version], old[spec.version].take(match)), False)
        take_new = pc.and_(take_new, pc.invert(older))
    updated = pc.and_(take_new, pc.invert(inserted))
    replaced = new[spec.key].filter(updated).combine_chunks()
    keep_old = pc.invert(pc.is_in(old[spec.key], value_set=replaced))
    merged = pa.concat_tables([old.filter(keep_old), new.filter(take_new)])
    n_inserted = pc.sum(inserted).as_py() or 0
    n_updated = pc.sum(updated).as_py() or 0
    return _sorted(spec, merged), MergeCounts(
        n_inserted, n_updated, new.num_rows - n_inserted - n_updated)


def _sorted(spec: EntitySpec, table: pa.Table) -> pa.Table:
    return table.sort_by(spec.key) if table.num_rows else table
