"""Records whose state is a function of the simulated clock.

A record is generated once with its whole timeline (a list of (instant, status) steps); what the
API shows at `now` is the last step at or before `now`. `updated_at` is that step's instant, so it
bumps exactly when something changes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Timeline:
    steps: list[tuple[datetime, str]] = field(default_factory=list)

    def add(self, at: datetime, status: str) -> Timeline:
        self.steps.append((at, status))
        return self

    def at(self, now: datetime) -> tuple[datetime, str] | None:
        """The (instant, status) in force at `now`, or None before the first step."""
        index = bisect.bisect_right([s[0] for s in self.steps], now) - 1
        return self.steps[index] if index >= 0 else None

    def state(self, now: datetime) -> tuple[datetime, str]:
        """The (instant, status) in force at `now`, for a record that exists by then."""
        step = self.at(now)
        if step is None:
            raise ValueError(f"nothing in force at {now}: the timeline starts later")
        return step

    def time_of(self, status: str) -> datetime | None:
        return next((t for t, s in self.steps if s == status), None)


def day_range(start: datetime, end: datetime) -> list[datetime]:
    """UTC midnights from `start`'s day up to, not including, `end`'s day."""
    first = start.replace(hour=0, minute=0, second=0, microsecond=0)
    count = (end - first).days
    return [first + timedelta(days=i) for i in range(max(count, 0))]
