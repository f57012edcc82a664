"""The sync job: every ingestion asset (and, downstream, the warehouse build)."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from assets import ingest, report, warehouse, warehouse_reads
from assets.reporting import asset_key
from resources.sources import SOURCES

INGESTION = ingest.ASSETS
WAREHOUSE = [*warehouse.ASSETS, *warehouse_reads.ASSETS, *report.ASSETS]
WAREHOUSE_CHECKS = warehouse_reads.CHECKS
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"

sync_job = dg.define_asset_job(
    "sync_job",
    executor_def=dg.in_process_executor,
    selection=dg.AssetSelection.assets(*INGESTION, *WAREHOUSE),
    description="Pull every configured source into the lake, for the partition range given by "
                "the run's range tags (the schedule's window, or a backfill's), then build the "
                "warehouse.",
)


def ingestion_keys(sources: list[str]) -> list[dg.AssetKey]:
    return [asset_key(spec) for name in sources
            for spec in SOURCES[name].entities]


def warehouse_keys() -> list[dg.AssetKey]:
    return [key for a in WAREHOUSE for key in a.keys]


def source_selection(sources: list[str]) -> list[dg.AssetKey]:
    """The given sources' ingestion assets and the whole warehouse after them."""
    return [*ingestion_keys(sources), *warehouse_keys()]


def range_tags(first: date, last: date) -> dict[str, str]:
    return {RANGE_START: first.isoformat(), RANGE_END: last.isoformat()}


def scheduled_window(today: date, lookback_days: int) -> tuple[date, date]:
    """The latest partition plus the lookback: late records of recent days land too."""
    return today - timedelta(days=lookback_days), today
