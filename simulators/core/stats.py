"""Request counters behind `GET /_sim/stats`."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


class Stats:
    def __init__(self) -> None:
        self.by_endpoint: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.faults: Counter[str] = Counter()

    def record(self, endpoint: str, outcome: int | str) -> None:
        self.by_endpoint[endpoint][str(outcome)] += 1

    def snapshot(self) -> dict[str, Any]:
        total = sum(sum(c.values()) for c in self.by_endpoint.values())
        refused = sum(c.get("429", 0) for c in self.by_endpoint.values())
        served = sum(
            n
            for c in self.by_endpoint.values()
            for outcome, n in c.items()
            if outcome.isdigit() and outcome.startswith("2")
        )
        return {
            "requests": total,
            "served": served,
            "refused": refused,
            "endpoints": {k: dict(v) for k, v in sorted(self.by_endpoint.items())},
            "faults_injected": dict(self.faults),
        }
