"""`interview-warehouse sync`: the sync job through Dagster's Python API, into the instance at
`DAGSTER_HOME`, so its runs, materializations and metadata show in the UI like any other run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg

from pipelines.jobs import range_tags, scheduled_window, source_selection
from pipelines.resources import configured_sources
from pipelines.schedules import lookback_days
from resources.sources import SOURCES

DEFAULT_DAGSTER_HOME = "dagster_home"
# A new instance limits every pool to one step at a time: the warehouse build (`warehouse_build`)
# is the only pool, and DuckDB allows one writer.
INSTANCE_CONFIG = """concurrency:
  pools:
    default_limit: 1
"""


def sync_job_def() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs.resolve_job_def("sync_job")


def instance() -> dg.DagsterInstance:
    """The instance at `DAGSTER_HOME` (default `./dagster_home`, created on first use)."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path(DEFAULT_DAGSTER_HOME).resolve())))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG)
    return dg.DagsterInstance.get()


@dataclass
class SyncOutcome:
    run_id: str
    success: bool
    first: date
    last: date
    sources: list[str]
    materializations: list[tuple[str, str | None, dict]]  # (asset, partition, metadata)
    unconfigured: list[str]  # sources left out because none of their variables is set


def run_sync(start: date | None = None, end: date | None = None,
             sources: list[str] | None = None,
             dagster_instance: dg.DagsterInstance | None = None) -> SyncOutcome:
    """Without `start`, the same window as the hourly schedule."""
    configured = configured_sources()
    sources = sources or configured
    if not sources:
        raise SystemExit("sync: no source is configured; set the GENWAY_*, GENSAIL_* or "
                         "INTERVIEWRELAY_* variables (see README), or run the demo")
    today = datetime.now(UTC).date()
    if start is None:
        first, last = scheduled_window(today, lookback_days())
    else:
        first, last = start, end or today
    if last < first:
        raise SystemExit(f"sync: --end {last} is before --start {first}")
    target = dagster_instance or instance()
    result = dg.execute_job(dg.reconstructable(sync_job_def), target,
                            tags={**range_tags(first, last), "interview_warehouse/trigger": "cli"},
                            asset_selection=source_selection(sources))
    events = target.all_logs(result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    materializations = []
    for event in events:
        mat = event.get_dagster_event().step_materialization_data.materialization
        metadata = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
        materializations.append((mat.asset_key.to_user_string(), mat.partition, metadata))
    unconfigured = [s for s in SOURCES if s not in configured]
    return SyncOutcome(result.run_id, result.success, first, last, sources, materializations,
                       unconfigured)
