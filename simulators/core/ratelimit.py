"""The simulators' side of rate limiting: a sliding window per client key.

Time here is real (monotonic) time; `time_scale` shrinks the window, so "50 per minute" at
time_scale 60 means 50 per second. The window also tracks arrivals, refused ones included, so
`/_sim/stats` can say how hard a client pushed (peak arrivals in any window), not only what was
admitted.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: float  # real seconds until a request would be admitted (0 when allowed)
    reset_at: float  # unix time at which the oldest admitted request leaves the window


@dataclass
class SlidingWindow:
    limit: int
    window: float  # real seconds
    block: bool = False  # InterviewRelay style: once over, refuse everything for a whole window
    _admitted: dict[str, deque[float]] = field(default_factory=dict)
    _arrivals: dict[str, deque[float]] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)
    peak_arrivals: int = 0
    peak_admitted: int = 0
    refused: int = 0

    def check(self, key: str) -> Decision:
        now = time.monotonic()
        horizon = now - self.window
        admitted = self._admitted.setdefault(key, deque())
        arrivals = self._arrivals.setdefault(key, deque())
        for log in (admitted, arrivals):
            while log and log[0] <= horizon:
                log.popleft()
        arrivals.append(now)
        self.peak_arrivals = max(self.peak_arrivals, len(arrivals))
        blocked_until = self._blocked_until.get(key, 0.0)
        if now < blocked_until:
            return self._refuse(admitted, blocked_until - now)
        if len(admitted) >= self.limit:
            wait = admitted[0] + self.window - now
            if self.block:
                self._blocked_until[key] = now + self.window
                wait = self.window
            return self._refuse(admitted, wait)
        admitted.append(now)
        self.peak_admitted = max(self.peak_admitted, len(admitted))
        reset = (admitted[0] + self.window - now) + time.time()
        return Decision(True, self.limit, self.limit - len(admitted), 0.0, reset)

    def _refuse(self, admitted: deque[float], wait: float) -> Decision:
        self.refused += 1
        return Decision(False, self.limit, 0, max(wait, 0.001), time.time() + wait)

    def stats(self) -> dict[str, float | int]:
        return {
            "limit": self.limit,
            "window_seconds": self.window,
            "peak_arrivals_in_window": self.peak_arrivals,
            "peak_admitted_in_window": self.peak_admitted,
            "refused": self.refused,
        }


def retry_after(wait: float, time_scale: float, fmt: str = "seconds") -> str:
    """`Retry-After` for a wait in real seconds: an HTTP-date (rounded up to the next whole
    second), or delta-seconds, whole unless time is compressed."""
    if fmt == "http-date":
        return email.utils.formatdate(time.time() + wait + 0.999, usegmt=True)
    if time_scale == 1:
        return str(max(1, math.ceil(wait)))
    return f"{max(wait, 0.001):.3f}"
