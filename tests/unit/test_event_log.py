"""`pipelines/event_log.py` writes what Dagster's stock SQLite storage reads: from many
threads, one event at a time or in batches."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationPlanned,
)
from dagster._core.events import (
    AssetMaterializationPlannedData,
    DagsterEvent,
    DagsterEventType,
    StepMaterializationData,
)
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines import event_log
from pipelines.event_log import SqliteEventLog

KEY = dg.AssetKey(["lake", "genway__interviews"])


def _materialization(run_id: str, day: int) -> EventLogEntry:
    mat = dg.AssetMaterialization(asset_key=KEY, partition=f"2026-01-{day:02d}",
                                  metadata={"rows": day})
    event = DagsterEvent(DagsterEventType.ASSET_MATERIALIZATION.value, "sync_job",
                         event_specific_data=StepMaterializationData(mat))
    return EventLogEntry(error_info=None, level=20, user_message="", run_id=run_id,
                         timestamp=time.time(), dagster_event=event, job_name="sync_job")


def test_events_written_from_threads_are_read_by_the_stock_storage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_log, "MAX_ENGINES", 2)
    storage = SqliteEventLog(str(tmp_path))
    runs = ["run1", "run2", "run3"]  # more shards than engines kept

    def write(run_id: str) -> None:
        if run_id == "run3":  # as Dagster sends one output's partitions, batched
            storage.store_event_batch([_materialization(run_id, day) for day in range(1, 11)])
            return
        for day in range(1, 11):
            storage.store_event(_materialization(run_id, day))

    threads = [threading.Thread(target=write, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stock = SqliteEventLogStorage(str(tmp_path))
    for run_id in runs:
        assert len(stock.get_records_for_run(run_id).records) == 10
    partitions = stock.get_materialized_partitions(KEY)
    assert partitions == {f"2026-01-{day:02d}" for day in range(1, 11)}
    latest = stock.get_latest_materialization_events([KEY])[KEY]
    assert latest is not None and latest.dagster_event.partition == "2026-01-10"
    assert len(storage._engines) <= 2


def _both_ways(tmp_path: Path, events: list[EventLogEntry]
               ) -> tuple[SqliteEventLogStorage, SqliteEventLogStorage]:
    """The events stored as one batch here, and one at a time by the stock storage; both read
    back through the stock storage."""
    SqliteEventLog(str(tmp_path / "batched")).store_event_batch(events)
    one_by_one = SqliteEventLogStorage(str(tmp_path / "stock"))
    for event in events:
        one_by_one.store_event(event)
    return SqliteEventLogStorage(str(tmp_path / "batched")), one_by_one


def test_a_batch_leaves_the_asset_row_as_single_writes_do(tmp_path: Path) -> None:
    batched, one_by_one = _both_ways(
        tmp_path, [_materialization("run1", day) for day in range(1, 6)])

    def row(storage: SqliteEventLogStorage) -> tuple:
        entry = storage.get_asset_records([KEY])[0].asset_entry
        latest = entry.last_materialization_record
        assert latest is not None
        return (latest.storage_id, latest.event_log_entry.dagster_event.partition,
                entry.last_run_id, latest.timestamp)

    assert row(batched) == row(one_by_one)
    assert row(batched)[1] == "2026-01-05"
    assert batched.get_materialized_partitions(KEY) == {f"2026-01-0{day}" for day in range(1, 6)}


def _planned(run_id: str, check: str | None = None) -> EventLogEntry:
    if check is None:
        kind, data = (DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
                      AssetMaterializationPlannedData(KEY, partition="2026-01-01"))
    else:
        kind, data = (DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
                      AssetCheckEvaluationPlanned(asset_key=KEY, check_name=check))
    return EventLogEntry(error_info=None, level=20, user_message="", run_id=run_id,
                         timestamp=time.time(),
                         dagster_event=DagsterEvent(kind.value, "sync_job",
                                                    event_specific_data=data),
                         job_name="sync_job")


def test_a_new_runs_planned_assets_and_checks_are_stored_as_one_at_a_time(
        tmp_path: Path) -> None:
    batched, one_by_one = _both_ways(
        tmp_path, [_planned("run1"), _planned("run1", "first"), _planned("run1", "second")])

    def stored(storage: SqliteEventLogStorage) -> tuple:
        checks = [storage.get_asset_check_execution_history(
            dg.AssetCheckKey(KEY, name), limit=5) for name in ("first", "second")]
        return ([(r.storage_id, r.event_log_entry.dagster_event_type) for r in
                 storage.get_records_for_run("run1").records],
                [[(c.id, c.run_id, c.status, c.event and c.event.dagster_event_type)
                  for c in history] for history in checks],
                storage.get_asset_records([KEY])[0].asset_entry.last_run_id)

    assert stored(batched) == stored(one_by_one)
    assert all(len(history) == 1 for history in stored(batched)[1])
