"""The sync job: every ingestion asset (and, downstream, the warehouse build)."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from assets import gensail, genway, interviewrelay, warehouse, warehouse_reads

INGESTION = {"genway": genway.ASSETS, "gensail": gensail.ASSETS,
             "interviewrelay": interviewrelay.ASSETS}
WAREHOUSE = [*warehouse.ASSETS, *warehouse_reads.ASSETS]
WAREHOUSE_CHECKS = warehouse_reads.CHECKS
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"

# Steps run in their own processes, forked from a server that has already imported the code
# location: a plain spawn re-imports Dagster, dbt's manifest and every asset per step, which costs
# more than most ingestion steps take. Four at a time: steps mostly wait on vendor rate limits.
SYNC_EXECUTOR = dg.multiprocess_executor.configured({
    "max_concurrent": 4,
    "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
})

sync_job = dg.define_asset_job(
    "sync_job",
    executor_def=SYNC_EXECUTOR,
    selection=dg.AssetSelection.assets(
        *[a for assets in INGESTION.values() for a in assets], *WAREHOUSE),
    description="Pull every configured source into the lake, for the partition range given by "
                "the run's range tags (the schedule's window, or a backfill's), then build the "
                "warehouse.",
)


def source_selection(sources: list[str]) -> list[dg.AssetKey]:
    """The given sources' ingestion assets and the whole warehouse after them."""
    ingestion = [key for source in sources for a in INGESTION[source] for key in a.keys]
    return [*ingestion, *[key for a in WAREHOUSE for key in a.keys]]


def range_tags(first: date, last: date) -> dict[str, str]:
    return {RANGE_START: first.isoformat(), RANGE_END: last.isoformat()}


def scheduled_window(today: date, lookback_days: int) -> tuple[date, date]:
    """The latest partition plus the lookback: late records of recent days land too."""
    return today - timedelta(days=lookback_days), today
