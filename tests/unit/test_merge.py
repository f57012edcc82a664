"""The partition merge, in Arrow: newer versions win, identical rows keep their lineage."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from resources.genway import INTERVIEWS, TRANSCRIPTS
from resources.merge import dedupe, merge
from resources.records import RunInfo, to_table

RUN_A, RUN_B = RunInfo("run-a", "run-a"), RunInfo("run-b", "run-b")


def interview(i: str, updated: str, status: str = "completed") -> dict:
    return {"interview_id": i, "project_id": "p", "status": status,
            "created_at": "2026-10-01T00:00:00Z", "updated_at": updated}


def table(records: list[dict], run: RunInfo = RUN_A) -> pa.Table:
    return to_table(INTERVIEWS, records, run).table


def test_first_write_inserts_everything_sorted_by_id() -> None:
    merged, counts = merge(INTERVIEWS, None, table([interview("b", "2026-10-01T00:00:00Z"),
                                                     interview("a", "2026-10-01T00:00:00Z")]))
    assert merged["interview_id"].to_pylist() == ["a", "b"]
    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)


def test_an_identical_row_keeps_its_original_lineage() -> None:
    old = table([interview("a", "2026-10-01T00:00:00Z")], RUN_A)
    merged, counts = merge(INTERVIEWS, old, table([interview("a", "2026-10-01T00:00:00Z")],
                                                  RUN_B))
    assert merged["_run_id"].to_pylist() == ["run-a"]
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 1)


def test_a_newer_version_replaces_and_an_older_one_is_ignored() -> None:
    old = table([interview("a", "2026-10-02T00:00:00Z", "in_progress"),
                 interview("b", "2026-10-02T00:00:00Z", "in_progress")])
    new = table([interview("a", "2026-10-03T00:00:00Z", "completed"),
                 interview("b", "2026-10-01T00:00:00Z", "scheduled"),
                 interview("c", "2026-10-01T00:00:00Z")], RUN_B)
    merged, counts = merge(INTERVIEWS, old, new)
    rows = {r["interview_id"]: r["status"] for r in merged.to_pylist()}
    assert rows == {"a": "completed", "b": "in_progress", "c": "completed"}
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 1)


def test_a_child_fetched_again_for_a_new_parent_version_is_an_update() -> None:
    record = {"interview_id": "a", "language": "en", "turns": []}
    old = to_table(TRANSCRIPTS, [record], RUN_A, ["t"], ["2026-10-01T00:00:00+00:00"]).table
    new = to_table(TRANSCRIPTS, [record], RUN_B, ["t"], ["2026-10-02T00:00:00+00:00"]).table
    merged, counts = merge(TRANSCRIPTS, old, new)
    assert counts.updated == 1
    assert merged["_parent_version"].to_pylist() == [datetime(2026, 10, 2, tzinfo=UTC)]


def test_dedupe_keeps_the_newest_version_else_the_last_seen() -> None:
    batch = table([interview("a", "2026-10-02T00:00:00Z", "in_progress"),
                   interview("a", "2026-10-03T00:00:00Z", "completed"),
                   interview("a", "2026-10-01T00:00:00Z", "scheduled"),
                   interview("b", "2026-10-01T00:00:00Z", "x"),
                   interview("b", "2026-10-01T00:00:00Z", "y")])
    rows = {r["interview_id"]: r["status"] for r in dedupe(INTERVIEWS, batch).to_pylist()}
    assert rows == {"a": "completed", "b": "y"}
