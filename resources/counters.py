"""Per-run request counters, shared by the threads of one client; they become asset metadata."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class RunCounters:
    requests: int = 0
    rate_limited: int = 0  # 429 answers
    retries: int = 0
    limiter_wait_seconds: float = 0.0  # time spent waiting for the shared budget
    pages: int = 0
    records: int = 0
    bytes: int = 0
    not_found: int = 0  # 404 on child resources, skipped
    drift_warnings: int = 0  # listings that drifted while they were read
    listing_rereads: int = 0  # reads of drifted listings until two agreed
    records_recovered: int = 0  # ids a drifted first read missed and a re-read found
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **deltas: float) -> None:
        with self._lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def since(self, before: dict[str, float | int]) -> dict[str, float | int]:
        """What was counted after `before` (an earlier `as_metadata()`)."""
        now = self.as_metadata()
        return {k: round(v - before.get(k, 0), 3) for k, v in now.items()}

    def as_metadata(self) -> dict[str, float | int]:
        with self._lock:
            return {
                "requests": self.requests,
                "rate_limited_429": self.rate_limited,
                "retries": self.retries,
                "limiter_wait_seconds": round(self.limiter_wait_seconds, 3),
                "pages": self.pages,
                "records": self.records,
                "bytes": self.bytes,
                "not_found_skipped": self.not_found,
                "drift_warnings": self.drift_warnings,
                "listing_rereads": self.listing_rereads,
                "records_recovered": self.records_recovered,
            }
