"""Records to typed rows: lenient where the contract allows drift, a rejection where a value
cannot mean what the contract says, never a failed batch."""

from __future__ import annotations

import json

from resources.genway import INTERVIEWS
from resources.records import RunInfo, to_table

RUN = RunInfo("run", "run")
BASE = {"interview_id": "a", "project_id": "p", "status": "completed",
        "created_at": "2026-10-01T10:00:00Z", "updated_at": "2026-10-01T11:00:00Z"}


def test_drift_the_contract_allows_is_read() -> None:
    typed = to_table(INTERVIEWS, [{**BASE, "duration_seconds": "120", "has_audio": "true",
                                   "surprise": {"x": 1}}], RUN)
    row = typed.table.to_pylist()[0]
    assert row["duration_seconds"] == 120 and row["has_audio"] is True
    assert json.loads(row["_raw_json"])["surprise"] == {"x": 1}  # unknown fields kept raw
    assert typed.rejections == []


def test_an_out_of_contract_value_is_null_and_rejected_while_the_rest_lands() -> None:
    typed = to_table(INTERVIEWS, [{**BASE, "duration_seconds": 12.5},
                                  {**BASE, "interview_id": "b", "duration_seconds": 30}], RUN)
    rows = {r["interview_id"]: r["duration_seconds"] for r in typed.table.to_pylist()}
    assert rows == {"a": None, "b": 30}
    [rejection] = typed.rejections
    assert rejection["record_id"] == "a" and rejection["field"] == "duration_seconds"
    assert rejection["error"].startswith("genway/interviews.duration_seconds:")
    assert json.loads(rejection["_raw_json"])["duration_seconds"] == 12.5


def test_a_bad_timestamp_and_a_missing_id_are_rejected() -> None:
    typed = to_table(INTERVIEWS, [{**BASE, "updated_at": "yesterday"},
                                  {**BASE, "interview_id": None}], RUN)
    assert typed.table.num_rows == 1 and typed.table["updated_at"].to_pylist() == [None]
    assert sorted((str(r["record_id"]), r["field"]) for r in typed.rejections) == [
        ("None", "interview_id"), ("a", "updated_at")]
    assert typed.rejection_table().num_rows == 2
