"""A request budget shared by every thread and every process on this host.

The vendors count requests per client IP, so concurrent Dagster runs, backfill partitions and the
schedule must draw from one budget. The budget is pyrate-limiter's SQLite bucket behind a file
lock (one file per host, see `RATE_LIMIT_STATE_DIR`), with two fixes measured in
`shared/notes/stack.md`: an admitted item is stamped with the clock *inside* the lock (the stock
blocking retry advances the stamp by its sleep instead, so time spent waiting for the file lock
lets entries leave the window early and over-admits), and one thread per process queues for the
file lock (the lock polls every 50 ms, so many waiters stall each other).

Two rates: the configured requests per minute, and the same rate per second, so a compressed
simulator clock (or a vendor with a short window) never sees a burst. Both keep `HEADROOM`,
because admission is not arrival: requests reach the server milliseconds after they are admitted.

A 429 or a low `X-RateLimit-Remaining` pauses the whole budget (`pause`), so other workers and
processes back off too, not only the one that was refused.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time
from pathlib import Path

from pyrate_limiter import Duration, Limiter, Rate, SQLiteBucket
from pyrate_limiter.abstracts import RateItem

HEADROOM = 0.95


class _RestampingBucket(SQLiteBucket):
    def put(self, item: RateItem) -> bool:
        item.timestamp = self.now()
        return super().put(item)


def default_state_dir() -> Path:
    configured = os.environ.get("RATE_LIMIT_STATE_DIR")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "interview-warehouse"


def budget_rates(requests_per_minute: float) -> list[Rate]:
    per_minute = max(1, math.floor(requests_per_minute * HEADROOM))
    # Rounded up: pyrate-limiter wants the shorter window at least as dense as the longer one.
    per_second = math.ceil(per_minute / 60)
    if per_second >= per_minute:
        return [Rate(per_minute, Duration.MINUTE)]
    return [Rate(per_second, Duration.SECOND), Rate(per_minute, Duration.MINUTE)]


class SharedBudget:
    """`acquire()` blocks until a request may be sent; returns the seconds it waited."""

    _instances: dict[tuple[str, str, float], SharedBudget] = {}
    _instances_lock = threading.Lock()

    def __init__(self, name: str, requests_per_minute: float, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.requests_per_minute = requests_per_minute
        self._pause_file = state_dir / f"{name}.pause"
        bucket = _RestampingBucket.init_from_file(
            budget_rates(requests_per_minute), table=f"budget_{name}",
            db_path=str(state_dir / "budgets.sqlite"), use_file_lock=True)
        self._limiter = Limiter(bucket, buffer_ms=5)
        self._queue = threading.Lock()

    @classmethod
    def get(cls, name: str, requests_per_minute: float, state_dir: Path | None = None
            ) -> SharedBudget:
        """One instance per (budget, file, rate) in a process: its threads share one queue."""
        directory = (state_dir or default_state_dir()).resolve()
        key = (name, str(directory), float(requests_per_minute))
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(name, requests_per_minute, directory)
            return cls._instances[key]

    def acquire(self) -> float:
        started = time.monotonic()
        with self._queue:
            self._wait_for_pause()
            self._limiter.try_acquire(self.name, blocking=True)
        return time.monotonic() - started

    def pause(self, seconds: float) -> None:
        """Hold every worker of this budget, on every process, for `seconds`."""
        until = time.time() + seconds
        if until > self._paused_until():
            tmp = self._pause_file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(repr(until))
            os.replace(tmp, self._pause_file)

    def _paused_until(self) -> float:
        try:
            return float(self._pause_file.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0.0

    def _wait_for_pause(self) -> None:
        while (remaining := self._paused_until() - time.time()) > 0:
            time.sleep(min(remaining, 1.0))
