"""What a landed entity looks like: its Arrow schema, the one place where column types live.

Each entity lands its contract's scalar fields as typed columns, plus `_raw_json` (the record as
the API sent it, unknown fields included) and the lineage columns `_source`, `_tenant_id`
(Genway), `_parent_version` (children: the parent's `updated_at` when they were fetched),
`_extracted_at` (when the row was written) and `_run_id`. Nested values (transcripts, results,
metadata) stay in `_raw_json` and are parsed by dbt, whose staging models select the typed
columns as they are instead of declaring their types again.

The entity specs themselves live beside each source's client (`resources/<source>.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

STR, INT, FLOAT, BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType


@dataclass(frozen=True)
class EntitySpec:
    source: str
    entity: str
    key: str  # the record id column
    columns: tuple[Column, ...]
    version: str | None = None  # on merge, the row with the newer version wins
    tenant: bool = False  # Genway: rows carry `_tenant_id`
    child: bool = False  # rows carry `_parent_version`
    partitioned: bool = True  # daily partitions by the record's day; else a snapshot
    parent: str | None = None  # the entity whose records this one is fetched for

    @property
    def name(self) -> str:
        return f"{self.source}/{self.entity}"

    def schema(self) -> pa.Schema:
        """Built once per spec (asked for a dozen times per partition written), kept on it."""
        built = self.__dict__.get("_schema")
        if built is None:
            built = self._build_schema()
            object.__setattr__(self, "_schema", built)  # a cache, not a field: still frozen
        return built

    def _build_schema(self) -> pa.Schema:
        fields = [pa.field(c.name, c.type) for c in self.columns]
        fields.append(pa.field("_raw_json", pa.large_string(), nullable=False))
        fields.append(pa.field("_source", STR, nullable=False))
        if self.tenant:
            fields.append(pa.field("_tenant_id", STR))
        if self.child:
            fields.append(pa.field("_parent_version", TS))
        fields += [pa.field("_extracted_at", TS, nullable=False),
                   pa.field("_run_id", STR, nullable=False)]
        return pa.schema(fields)


def cols(**types: pa.DataType) -> tuple[Column, ...]:
    return tuple(Column(name, t) for name, t in types.items())
