"""`interview-warehouse sync`: the sync job through Dagster's Python API, into the instance at
`DAGSTER_HOME`, so its runs, materializations and metadata show in the UI like any other run.

Before the run: the settings are checked (`resources/preflight.py`), the instance is written if
it is new, and runs that died without saying so are reaped (`pipelines/runs.py`). During it, a
wait for the warehouse pool is reported and bounded. After it: if a source failed, the warehouse
is still built over what landed, in a run of its own, and the failure is reported as such.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef

from assets.warehouse import FULL_REFRESH_TAG, WAREHOUSE_POOL
from pipelines.jobs import (
    ingestion_keys,
    range_tags,
    scheduled_window,
    source_selection,
    warehouse_keys,
)
from pipelines.progress import QUIET_RUN_CONFIG, RunWatch, log_file, write_events
from pipelines.runs import PID_TAG, PoolWatch, process_tags, reap_orphaned_runs
from pipelines.schedules import lookback_days
from pipelines.settings import check_settings, configured_sources, dagster_home
from resources.sources import SOURCES

MARKER = "# Written by interview-warehouse sync; delete it to have it written again."
# Every pool is limited to one step at a time: the warehouse build (`warehouse_build`) is the
# only pool, and DuckDB allows one writer. Run monitoring (under `dagster dev` or the daemon)
# fails runs that never start and frees the slots of runs that ended.
INSTANCE_CONFIG = f"""{MARKER}
concurrency:
  pools:
    default_limit: 1
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  free_slots_after_run_end_seconds: 30
"""
# With `DAGSTER_POSTGRES_URL`, runs, events, schedules and the pools' slots live in PostgreSQL:
# every host's runs then share one instance (and one warehouse_build slot). The URL is read from
# the environment by Dagster, never written into the file.
POSTGRES_STORAGE = """storage:
  postgres:
    postgres_url:
      env: DAGSTER_POSTGRES_URL
"""
# Without it, events go through `pipelines/event_log.py`: Dagster's SQLite event log (same files)
# at a fraction of the cost, for `sync` and for runs launched from the UI alike.
SQLITE_EVENTS = """event_log_storage:
  module: pipelines.event_log
  class: SqliteEventLog
  config:
    base_dir: {base_dir}
"""
LEGACY_CONFIG = "concurrency:\n  pools:\n    default_limit: 1\n"
DEFAULT_POOL_WAIT_SECONDS = 1800


class SettingsError(Exception):
    """Settings that cannot work; one line each, naming the variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def sync_job_def() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs.resolve_job_def("sync_job")


def instance(capture_logs: bool = True) -> dg.DagsterInstance:
    """The instance at `DAGSTER_HOME` (default `./dagster_home`, created on first use). Without
    `capture_logs`, steps' stdout and stderr are not captured per step (Dagster spawns two
    processes per stream for that): `sync` keeps them in its own log file instead."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = config.read_text() if config.exists() else None
    url = os.environ.get("DAGSTER_POSTGRES_URL")
    wanted = INSTANCE_CONFIG + (POSTGRES_STORAGE if url else SQLITE_EVENTS.format(
        base_dir=json.dumps(str(home.resolve() / "history" / "runs"))))
    if current is None or current == LEGACY_CONFIG or (
            current.startswith(MARKER) and current != wanted):
        config.write_text(wanted)
    with _creating_tables(url):
        if capture_logs:
            return dg.DagsterInstance.get()
        return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides={
            "compute_logs": {"module": "dagster._core.storage.noop_compute_log_manager",
                             "class": "NoOpComputeLogManager"}}))


@contextlib.contextmanager
def _creating_tables(dagster_postgres_url: str | None) -> Iterator[None]:
    """Opening an instance on a new PostgreSQL database creates Dagster's tables; hosts that
    start at the same moment would race to create them, so they take turns."""
    if not dagster_postgres_url:
        yield
        return
    from resources.postgres import session_lock

    with session_lock(dagster_postgres_url, "interview-warehouse:dagster-tables"):
        yield


@dataclass
class SyncOutcome:
    run_id: str
    success: bool
    first: date
    last: date
    sources: list[str]
    materializations: list[tuple[str, str | None, dict]]  # (asset, partition, metadata)
    unconfigured: list[str]  # sources left out because none of their variables is set
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)  # asset -> run totals
    failures: dict[str, str] = field(default_factory=dict)  # asset (or "run") -> why
    build_run_id: str | None = None  # the warehouse built after a failed ingestion
    warehouse_built: bool = False
    log_path: Path | None = None  # Dagster's debug stream and dbt's output
    build: bool = True  # False: the lake only was asked for


def run_sync(start: date | None = None, end: date | None = None,
             sources: list[str] | None = None,
             dagster_instance: dg.DagsterInstance | None = None,
             full_refresh: bool = False, check: bool = True,
             progress: bool | None = None, build: bool = True) -> SyncOutcome:
    """Without `start`, the same window as the hourly schedule. `progress` (default: when
    stdout is a terminal) prints a line per source and entity as the run goes. Without
    `build`, only the lake is landed (the warehouse is another sync's to build)."""
    configured = configured_sources()
    sources = sources or configured
    if not sources:
        raise SettingsError(["no source is configured; set the GENWAY_*, GENSAIL_* or "
                             "INTERVIEWRELAY_* variables (see README), or run the demo"])
    today = datetime.now(UTC).date()
    first, last = scheduled_window(today, lookback_days()) if start is None else (
        start, end or today)
    if last < first:
        raise SettingsError([f"--end {last} is before --start {first}"])
    if check and (problems := check_settings(sources)):
        raise SettingsError(problems)
    target = dagster_instance or instance(capture_logs=False)
    reap_orphaned_runs(target, WAREHOUSE_POOL)
    # One planned event per asset for a range, not one per partition: a 90-day sync would
    # otherwise store a thousand events before its first request.
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")
    tags = {**range_tags(first, last), "interview_warehouse/trigger": "cli", **process_tags(),
            **({FULL_REFRESH_TAG: "true"} if full_refresh else {})}
    show = sys.stdout.isatty() if progress is None else progress
    with log_file(dagster_home()) as (log_path, out), \
            RunWatch(target, out, tags[PID_TAG]) if show else contextlib.nullcontext():
        selection = source_selection(sources) if build else ingestion_keys(sources)
        run_id, success = _execute(target, tags, selection)
        outcome = SyncOutcome(run_id, success, first, last, sources, [],
                              [s for s in SOURCES if s not in configured], log_path=log_path,
                              build=build)
        logs = [target.all_logs(run_id)]  # each run's events, read once
        _collect(logs[0], outcome)
        landed = any(not a.startswith("warehouse/") for a, _, _ in outcome.materializations)
        if build and not success and landed and not outcome.warehouse_built:
            # A source failed, so Dagster skipped the build; the others' data deserves it.
            outcome.build_run_id, _ = _execute(
                target, {**tags, "interview_warehouse/after": run_id}, warehouse_keys())
            logs.append(target.all_logs(outcome.build_run_id))
            _collect(logs[-1], outcome)
    for entries in logs:
        write_events(entries, log_path)
    return outcome


def _execute(target: dg.DagsterInstance, tags: dict[str, str], selection: list[dg.AssetKey]
             ) -> tuple[str, bool]:
    limit = float(os.environ.get("WAREHOUSE_POOL_WAIT_SECONDS") or DEFAULT_POOL_WAIT_SECONDS)
    with PoolWatch(target, WAREHOUSE_POOL, limit):
        result = dg.execute_job(dg.reconstructable(sync_job_def), target, tags=tags,
                                asset_selection=selection, raise_on_error=False,
                                run_config=QUIET_RUN_CONFIG)
    return result.run_id, result.success


def _collect(entries: list[EventLogEntry], outcome: SyncOutcome) -> None:
    for record in entries:
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.step_materialization_data.materialization
            metadata = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
            asset = mat.asset_key.to_user_string()
            outcome.materializations.append((asset, mat.partition, metadata))
            outcome.warehouse_built |= asset.startswith("warehouse/")
            if "requests" in metadata:
                outcome.totals[asset] = metadata
        elif event.event_type == dg.DagsterEventType.ASSET_OBSERVATION:
            observation = event.asset_observation_data.asset_observation
            metadata = {k: getattr(v, "value", v) for k, v in observation.metadata.items()}
            asset = observation.asset_key.to_user_string()
            if "error" in metadata:
                outcome.failures[asset] = str(metadata["error"])
            elif "requests" in metadata:
                outcome.totals[asset] = metadata
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE and event.step_key != "ingest":
            error = event.step_failure_data.error
            outcome.failures[event.step_key or "run"] = error.message.strip().splitlines()[0] \
                if error else "failed"
