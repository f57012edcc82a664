"""A request budget shared by every thread and every process on this host (or, with
`PIPELINE_DATABASE_URL`, on every host): requests are paced on one timeline per vendor budget.

The vendors count requests per client IP in a sliding window, so concurrent runs, backfills and
the schedule must draw from one budget. Pacing is GCRA (the generic cell rate algorithm): each
request takes the next free slot of a shared timeline whose slots are `interval` apart, so no
window of any length holds more than its share plus one. A 429 or a `Retry-After` moves the
whole timeline forward (`pause`): every worker on every process backs off, not only the one
that was refused.

Headroom adapts instead of being a fixed 5 %: slots start 1 % apart more than the configured
rate asks, widen by half again (plus 1 %) at every 429 the vendor answers, and narrow slowly
after long clean stretches. Admission is not arrival (a request reaches the server milliseconds
after its slot), and only the vendor knows its real window: its answers say how much room the
budget needs, which is what lets it run at 97 % or more of the vendor's rate without 429s.

The timeline lives in a small file per budget under `RATE_LIMIT_STATE_DIR`, updated under an
operating-system lock (a killed process releases it at once), or in a row of the shared
PostgreSQL database under a row lock, stamped by the database's clock (`postgres.py`).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
State = dict[str, Any]

HEADROOM_START, HEADROOM_MAX, HEADROOM_FLOOR = 0.01, 0.5, 0.005
CLEAN_STRETCH = 2000  # requests without a 429 before the headroom narrows by a tenth


def default_state_dir() -> Path:
    configured = os.environ.get("RATE_LIMIT_STATE_DIR")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "interview-warehouse"


class Timeline(Protocol):
    """Shared state of one budget: the next free slot (`tat`), the headroom, a clean count."""

    def update(self, change: Callable[[State, float], T]) -> tuple[T, float]:
        """Apply `change(state, now)` atomically; returns its result and `now`."""
        ...


class FileTimeline:
    """One small JSON file per budget, read and written under `flock`, through one descriptor
    per process (opened again after a fork: a child sharing it would share its lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # This process's threads queue here, so one of them at a time holds the descriptor and
        # waits on the file lock.
        self._local = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), os.getpid()
        return self._fd

    def update(self, change: Callable[[State, float], T]) -> tuple[T, float]:
        with self._local:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                text = os.pread(fd, os.fstat(fd).st_size, 0)
                try:
                    state = json.loads(text) if text else {}
                except ValueError:
                    state = {}  # a torn write from a killed process: start afresh
                now = time.time()
                result = change(state, now)
                data = json.dumps(state).encode()
                os.pwrite(fd, data, 0)
                os.ftruncate(fd, len(data))
                return result, now
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)


def _timeline(name: str, where: str, database_url: str | None) -> Timeline:
    if database_url:
        from resources.postgres import Database, PostgresTimeline  # only where it is used

        return PostgresTimeline(Database.get(database_url), name)
    return FileTimeline(Path(where) / f"{name}.budget.json")


class SharedBudget:
    """`acquire()` blocks until a request may be sent; returns the seconds it waited."""

    _instances: dict[tuple[str, str, float], SharedBudget] = {}
    _instances_lock = threading.Lock()

    def __init__(self, name: str, requests_per_minute: float, timeline: Timeline) -> None:
        self.name = name
        self.requests_per_minute = requests_per_minute
        self.timeline = timeline

    @classmethod
    def get(cls, name: str, requests_per_minute: float, state_dir: Path | None = None,
            database_url: str | None = None) -> SharedBudget:
        """One instance per (budget, state, rate) in a process. With `database_url` the
        timeline is a row in that PostgreSQL database, shared by every host."""
        where = database_url or str((state_dir or default_state_dir()).resolve())
        key = (name, where, float(requests_per_minute))
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(name, requests_per_minute, _timeline(name, where,
                                                                                database_url))
            return cls._instances[key]

    @property
    def base_interval(self) -> float:
        return 60.0 / self.requests_per_minute

    def acquire(self) -> float:
        def reserve(state: State, now: float) -> float:
            headroom = state.get("headroom", HEADROOM_START)
            slot = max(state.get("tat", 0.0), now)
            state["tat"] = slot + self.base_interval * (1 + headroom)
            state["clean"] = state.get("clean", 0) + 1
            if state["clean"] >= CLEAN_STRETCH:
                state["headroom"], state["clean"] = max(HEADROOM_FLOOR, headroom * 0.9), 0
            return slot

        slot, now = self.timeline.update(reserve)
        wait = slot - now
        if wait > 0:
            time.sleep(wait)
        return max(wait, 0.0)

    def pause(self, seconds: float) -> None:
        """Hold every worker of this budget, on every process, for `seconds`."""
        def push(state: State, now: float) -> None:
            state["tat"] = max(state.get("tat", 0.0), now + seconds)

        self.timeline.update(push)

    def refused(self, retry_after: float) -> None:
        """The vendor answered 429: back off for its `Retry-After`, and keep more room."""
        def widen(state: State, now: float) -> None:
            headroom = state.get("headroom", HEADROOM_START)
            state["headroom"] = min(HEADROOM_MAX, headroom * 1.5 + 0.01)
            state["clean"] = 0
            state["tat"] = max(state.get("tat", 0.0), now + retry_after)

        self.timeline.update(widen)

    def headroom(self) -> float:
        return self.timeline.update(lambda state, now: state.get("headroom", HEADROOM_START))[0]
