"""API records to Arrow tables, with the contract's types; what breaks the contract is set aside.

Lenient where the contract allows drift (numbers sent as strings, missing optional fields,
unknown fields, which stay in `_raw_json`). A value that cannot mean what the contract says
(`duration_seconds: 12.5`, a date that is not one) becomes null in its typed column and a
`Rejection` naming the source, entity, field and record: the record still lands, with its raw
JSON, and the rest of its day and entity land beside it. Only a record without an id cannot land
in its entity; it is kept in the rejections alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from resources.schemas import BOOL, FLOAT, INT, STR, TS, EntitySpec

REJECTION_SCHEMA = pa.schema([
    pa.field("record_id", STR), pa.field("field", STR, nullable=False), pa.field("value", STR),
    pa.field("error", STR, nullable=False), pa.field("_raw_json", pa.large_string()),
    pa.field("_run_id", STR, nullable=False), pa.field("_extracted_at", TS, nullable=False)])


@dataclass(frozen=True)
class RunInfo:
    """Who is landing: the `_run_id` of every row, and the checkpoint owner."""

    run_id: str
    root_run_id: str


@dataclass
class Typed:
    table: pa.Table
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def rejection_table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rejections, schema=REJECTION_SCHEMA)


def rejection(spec: EntitySpec, record: dict[str, Any], raw: str, column: str, value: Any,
              error: str, run: RunInfo, now: datetime) -> dict[str, Any]:
    """One row of the rejections table."""
    record_id = record.get(spec.key)
    return {"record_id": None if record_id is None else str(record_id), "field": column,
            "value": None if value is None else repr(value),
            "error": f"{spec.name}.{column}: {error}", "_raw_json": raw, "_run_id": run.run_id,
            "_extracted_at": now}


def raw_json(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ValueError("not a boolean")


def _str(value: Any) -> str:
    if isinstance(value, dict | list):
        raise ValueError("an object where the contract has a string")
    return str(value)


def _ts(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not an ISO 8601 timestamp")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("an ISO 8601 timestamp without a time zone")
    return parsed.astimezone(UTC)


_CONVERT: dict[pa.DataType, Callable[[Any], Any]] = {
    INT: _int, FLOAT: _float, BOOL: _bool, STR: _str, TS: _ts,
}


def to_table(
    spec: EntitySpec,
    records: Sequence[dict[str, Any]],
    run: RunInfo,
    tenant_ids: Sequence[str | None] | None = None,
    parent_versions: Sequence[str | None] | None = None,
) -> Typed:
    now = datetime.now(UTC)
    raws = [raw_json(r) for r in records]
    rejections: list[dict[str, Any]] = []

    def reject(index: int, column: str, value: Any, error: str) -> None:
        rejections.append(rejection(spec, records[index], raws[index], column, value, error,
                                    run, now))

    keep = [i for i, r in enumerate(records) if r.get(spec.key) not in (None, "")]
    for i in sorted(set(range(len(records))) - set(keep)):
        reject(i, spec.key, None, "the record has no id: kept here, not landed")
    arrays: dict[str, pa.Array] = {}
    for column in spec.columns:
        convert, values = _CONVERT[column.type], []
        for i in keep:
            value = records[i].get(column.name)
            if value is None or (value == "" and column.type != STR):
                values.append(None)
                continue
            try:
                values.append(convert(value))
            except (TypeError, ValueError) as exc:
                reject(i, column.name, value, str(exc))
                values.append(None)
        arrays[column.name] = pa.array(values, column.type)
    count = len(keep)
    arrays["_raw_json"] = pa.array([raws[i] for i in keep], pa.large_string())
    arrays["_source"] = pa.array([spec.source] * count, STR)
    if spec.tenant:
        tenants = list(tenant_ids) if tenant_ids is not None else [None] * len(records)
        arrays["_tenant_id"] = pa.array([tenants[i] for i in keep], STR)
    if spec.child:
        versions = list(parent_versions) if parent_versions is not None else [None] * len(records)
        arrays["_parent_version"] = pa.array(
            [None if versions[i] is None else _ts(versions[i]) for i in keep], TS)
    arrays["_extracted_at"] = pa.array([now] * count, TS)
    arrays["_run_id"] = pa.array([run.run_id] * count, STR)
    return Typed(pa.table(arrays, schema=spec.schema()), rejections)
