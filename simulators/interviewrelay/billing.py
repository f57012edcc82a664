"""InterviewRelay billing: credits drawn by sessions as they end, read at `now`.

A session is charged when it becomes final: 100 credits when completed, 30 when abandoned after
some talk, nothing when abandoned before a word was said. Charges draw on the starter pool
first, then on the monthly pool (refilled on the 1st of each month, UTC), then on top-ups.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from simulators.core.clock import fmt_ts
from simulators.interviewrelay.models import Session

CREDITS_PER_SESSION = 100  # a completed session; what `estimated_sessions_remaining` divides by
ABANDONED_CREDITS = 30
STARTER_CREDITS = 600


def charges(sessions: Iterable[Session], now: datetime) -> list[tuple[datetime, int]]:
    """(instant, credits) of every charge up to `now`, in time order."""
    found = []
    for session in sessions:
        if session.ended_at <= now and session.segments:
            credits = CREDITS_PER_SESSION if session.outcome == "completed" else ABANDONED_CREDITS
            found.append((session.ended_at, credits))
    return sorted(found)


def next_month(now: datetime) -> datetime:
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(
        month=first.month + 1)


def credits(charged: list[tuple[datetime, int]], now: datetime, scale: float,
            history_start: datetime) -> dict[str, Any]:
    monthly_amount = max(1000, int(round(10_000 * scale, -3)))
    starter, topup = STARTER_CREDITS, max(5000, int(round(40_000 * scale, -2)))
    month, monthly = (now.year, now.month), monthly_amount
    for at, cost in charged:
        if (at.year, at.month) != month:
            month, monthly = (at.year, at.month), monthly_amount
        for_starter = min(starter, cost)
        starter, cost = starter - for_starter, cost - for_starter
        for_monthly = min(monthly, cost)
        monthly, cost = monthly - for_monthly, cost - for_monthly
        topup = max(0, topup - cost)
    if month != (now.year, now.month):
        monthly = monthly_amount  # no charge yet this month: the pool was refilled on the 1st
    total = starter + monthly + topup
    needs_topup = total < 20 * CREDITS_PER_SESSION
    severity = "critical" if total < 5 * CREDITS_PER_SESSION else "warning"
    return {
        "starter_credits": starter,
        "monthly_credits": monthly,
        "topup_credits": topup,
        "total_credits": total,
        "monthly_credits_amount": monthly_amount,
        "monthly_credits_reset_at": fmt_ts(next_month(now)),
        "currency": "eur",
        "last_low_balance_warning_at": None,
        "updated_at": fmt_ts(charged[-1][0] if charged else history_start),
        "low_balance_warning": {
            "shouldWarn": needs_topup,
            "severity": severity if needs_topup else "info",
            "message": f"Only {total} credits remaining" if needs_topup else "",
        },
        "needs_topup": needs_topup,
        "estimated_sessions_remaining": total // CREDITS_PER_SESSION,
    }


def usage(charged: list[tuple[datetime, int]], start: date | None,
          end: date | None) -> list[dict[str, Any]]:
    """One row per UTC day with charges; both bounds are inclusive dates."""
    days: dict[date, list[int]] = {}
    for at, cost in charged:
        day = at.date()
        if (start is None or day >= start) and (end is None or day <= end):
            row = days.setdefault(day, [0, 0])
            row[0] += 1
            row[1] += cost
    return [{"date": day.isoformat(), "sessions": n, "credits_used": used}
            for day, (n, used) in sorted(days.items())]
