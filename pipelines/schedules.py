"""The schedules: every hour the latest partitions plus a lookback window; every night the whole
history, which is the sweep that lands whatever a run missed, whatever its day."""

from __future__ import annotations

import os
from datetime import UTC, date

import dagster as dg

from assets.partitions import START_DATE
from pipelines.jobs import range_tags, scheduled_window, source_selection, sync_job
from pipelines.settings import configured_sources

DEFAULT_LOOKBACK_DAYS = 2


def lookback_days() -> int:
    return int(os.environ.get("INGEST_LOOKBACK_DAYS") or DEFAULT_LOOKBACK_DAYS)


@dg.schedule(job=sync_job, cron_schedule="0 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def hourly_sync(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Every hour: today's partition and the `INGEST_LOOKBACK_DAYS` (default 2) before it.

    Records that are not final yet are re-checked whatever their age, and Gensail's change feed
    catches changed jobs of any age, so the lookback only has to cover late-arriving records.
    """
    sources = configured_sources()
    if not sources:
        return dg.SkipReason("no source is configured: set GENWAY_*, GENSAIL_* or "
                             "INTERVIEWRELAY_* variables")
    now = context.scheduled_execution_time.astimezone(UTC)
    first, last = scheduled_window(now.date(), lookback_days())
    return dg.RunRequest(run_key=now.strftime("%Y-%m-%dT%H"),
                         asset_selection=source_selection(sources),
                         tags=range_tags(first, last))


@dg.schedule(job=sync_job, cron_schedule="30 3 * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_reconcile(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Every night: the whole history (`INGEST_START_DATE` to today), every configured source.

    The hourly run trusts its window; this one lists every record each API holds (listings are
    cheap: a page per 100 to 200 records) and lands any that the lake lacks, whatever its day:
    a record that appeared late in the past, a window a drifting listing could not pin down, a
    quarantined partition. Records the lake already holds unchanged cost no request.
    """
    sources = configured_sources()
    if not sources:
        return dg.SkipReason("no source is configured")
    now = context.scheduled_execution_time.astimezone(UTC)
    return dg.RunRequest(run_key=f"reconcile-{now:%Y-%m-%d}",
                         asset_selection=source_selection(sources),
                         tags=range_tags(date.fromisoformat(START_DATE), now.date()))
