"""Timestamps in the contract's format: ISO 8601, UTC, `Z` suffix, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import overload


def parse_ts(value: str) -> datetime:
    """Parse an ISO 8601 timestamp or date; naive values are taken as UTC."""
    text = value.strip().replace("Z", "+00:00").replace(" ", "+") if "T" in value else value
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@overload
def fmt_ts(value: datetime) -> str: ...


@overload
def fmt_ts(value: None) -> None: ...


@lru_cache(maxsize=1 << 16)
def fmt_ts(value: datetime | None) -> str | None:
    # The hottest call when serving lists (several per record, every request), and the same
    # instants come back again and again: cached, and without strftime, which is slow here.
    if value is None:
        return None
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


def day_start(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)

