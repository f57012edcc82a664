"""Daily partitions (UTC) shared by every time-based entity, and the run's window."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from resources.records import RunInfo

START_DATE = "2025-01-01"
# end_offset=1: today's partition exists, so the hourly schedule lands today's records today.
DAILY = dg.DailyPartitionsDefinition(start_date=START_DATE, end_offset=1, timezone="UTC")
# One run per backfill: each API is listed once for the whole range, not once per day; windows
# are still committed one by one as they land.
SINGLE_RUN = dg.BackfillPolicy.single_run()
# `backfill_policy` is marked beta on `@asset`; it is the documented way to get single-run
# backfills, and the warning would otherwise print once per asset at every import.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")


def window(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last day (inclusive) of the run's partition range."""
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def run_info(context: dg.AssetExecutionContext) -> RunInfo:
    run = context.run
    return RunInfo(run_id=run.run_id, root_run_id=run.root_run_id or run.run_id,
                   extracted_at=datetime.now(UTC))


def day_of(timestamp: str | None) -> date | None:
    if not timestamp:
        return None
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC).date()


def midnight(day: date) -> str:
    """A day's first instant in the APIs' timestamp format."""
    return f"{day.isoformat()}T00:00:00Z"


def iso(moment: datetime) -> str:
    """An instant in the APIs' format (whole seconds, `Z`), to compare with what they send."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
