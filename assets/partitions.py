"""Daily partitions (UTC) shared by every time-based entity, and the run's window."""

from __future__ import annotations

import os
import warnings
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dagster as dg

from resources.records import RunInfo

# The first partition: what the sources hold from, so that "missing" in the UI means missing.
# The default is the demo's history (the simulators hold 91 days before now); a real deployment
# sets the day its vendors' data begins.
DEMO_HISTORY_DAYS = 91
START_DATE = os.environ.get("INGEST_START_DATE") or (
    datetime.now(UTC).date() - timedelta(days=DEMO_HISTORY_DAYS)).isoformat()
# end_offset=1: today's partition exists, so the hourly schedule lands today's records today.
DAILY = dg.DailyPartitionsDefinition(start_date=START_DATE, end_offset=1, timezone="UTC")
# One run per backfill: each API is listed once for the whole range, not once per day; windows
# are still committed one by one as they land.
SINGLE_RUN = dg.BackfillPolicy.single_run()
# `backfill_policy` is marked beta; it is the documented way to get single-run backfills, and
# the warning would otherwise print at every import.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")


def window(context: dg.AssetExecutionContext) -> tuple[date, date] | None:
    """First and last day (inclusive) of the run's partition range, if it has one."""
    if not context.has_partition_key_range:
        return None
    keys = context.partition_key_range
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


def run_info(context: dg.AssetExecutionContext) -> RunInfo:
    run = context.run
    return RunInfo(run_id=run.run_id, root_run_id=run.root_run_id or run.run_id)


def day_of(timestamp: Any) -> date | None:
    """The UTC day of an API timestamp, or of a plain `YYYY-MM-DD` date."""
    if not isinstance(timestamp, str) or not timestamp:
        return None
    try:
        if len(timestamp) == 10:
            return date.fromisoformat(timestamp)
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC).date() if moment.tzinfo else None


def midnight(day: date) -> str:
    """A day's first instant in the APIs' timestamp format."""
    return f"{day.isoformat()}T00:00:00Z"


def iso(moment: datetime) -> str:
    """An instant in the APIs' format (whole seconds, `Z`), to compare with what they send."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
