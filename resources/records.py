"""API records to Arrow tables, with the contract's types and a clear error for bad input.

Lenient where the contract allows drift (numbers sent as strings, missing optional fields,
unknown fields, which stay in `_raw_json`), strict where a value cannot mean what the contract
says: that raises `SourceDataError` naming the source, entity and field, before anything of the
batch is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from resources.errors import SourceDataError
from resources.schemas import BOOL, FLOAT, INT, STR, TS, EntitySpec


@dataclass(frozen=True)
class RunInfo:
    """Who is landing: lineage columns of every row, and the checkpoint owner."""

    run_id: str
    root_run_id: str
    extracted_at: datetime


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


_CONVERT: dict[pa.DataType, Callable[[Any], Any]] = {
    INT: _int, FLOAT: _float, BOOL: _bool, STR: _str, TS: _str,
}


def to_table(
    spec: EntitySpec,
    records: Sequence[dict[str, Any]],
    run: RunInfo,
    tenant_ids: Sequence[str | None] | None = None,
    parent_versions: Sequence[str | None] | None = None,
) -> pa.Table:
    schema = spec.schema()
    arrays: dict[str, pa.Array] = {}
    for column in spec.columns:
        convert = _CONVERT[column.type]
        values: list[Any] = []
        for record in records:
            value = record.get(column.name)
            if value is None or (value == "" and column.type != STR):
                values.append(None)
                continue
            try:
                values.append(convert(value))
            except (TypeError, ValueError) as exc:
                raise SourceDataError(spec.source, spec.entity, column.name,
                                      f"{value!r} in record {record.get(spec.key)!r}: {exc}"
                                      ) from None
        arrays[column.name] = _array(spec, column.name, values, column.type)
    if any(record.get(spec.key) is None for record in records):
        raise SourceDataError(spec.source, spec.entity, spec.key, "a record has no id")
    count = len(records)
    arrays["_raw_json"] = pa.array(
        [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records],
        pa.large_string())
    arrays["_source"] = pa.array([spec.source] * count, STR)
    if spec.tenant:
        arrays["_tenant_id"] = pa.array(list(tenant_ids or [None] * count), STR)
    if spec.child:
        arrays["_parent_version"] = _array(
            spec, "_parent_version", list(parent_versions or [None] * count), TS)
    arrays["_extracted_at"] = pa.array([run.extracted_at] * count, TS)
    arrays["_run_id"] = pa.array([run.run_id] * count, STR)
    return pa.table(arrays, schema=schema)


def _array(spec: EntitySpec, name: str, values: list[Any], kind: pa.DataType) -> pa.Array:
    if kind != TS:
        return pa.array(values, kind)
    try:
        return pa.array(values, STR).cast(TS)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for value in values:
            try:
                pa.array([value], STR).cast(TS)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise SourceDataError(spec.source, spec.entity, name,
                                      f"{value!r} is not an ISO 8601 timestamp") from None
        raise
