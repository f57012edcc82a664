"""Fault injection for the simulators, set through `POST /_sim/faults`.

Each knob draws from its own random stream seeded by the data set's seed, so turning one knob on
does not change where another one fires, and a run with the same seed sees the same faults in the
same request order.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

KNOBS_RATE = ("error_rate", "timeout_rate", "drop_rate", "malformed_rate")
T = TypeVar("T")


class FaultError(ValueError):
    """A `/_sim/faults` body that names an unknown knob or an invalid value."""


@dataclass
class FaultConfig:
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    rate_limit_per_minute: int | None = None
    retry_after_format: str = "seconds"
    page_shift: int = 0
    schema_drift: bool = False
    auth_revoke_after: int | None = None

    @classmethod
    def from_body(cls, body: object) -> FaultConfig:
        if not isinstance(body, dict):
            raise FaultError("the body must be a JSON object of fault knobs")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(body) - known)
        if unknown:
            raise FaultError(f"unknown fault knob(s): {', '.join(unknown)}")
        config = cls(**body)
        for knob in KNOBS_RATE:
            value = getattr(config, knob)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise FaultError(f"{knob} must be a number between 0 and 1")
        if config.retry_after_format not in {"seconds", "http-date"}:
            raise FaultError("retry_after_format must be 'seconds' or 'http-date'")
        if type(config.page_shift) is not int or config.page_shift < 0:
            raise FaultError("page_shift must be a non-negative integer")
        if not isinstance(config.schema_drift, bool):
            raise FaultError("schema_drift must be true or false")
        # A limit of 0 would refuse everything with no Retry-After that ever comes true.
        for knob, low in (("rate_limit_per_minute", 1), ("auth_revoke_after", 0)):
            value = getattr(config, knob)
            if value is not None and (type(value) is not int or value < low):
                raise FaultError(f"{knob} must be an integer >= {low} or null")
        return config

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultDice:
    """Deterministic per-knob random streams."""

    def __init__(self, seed: int) -> None:
        self._streams = {
            name: random.Random(f"{seed}:fault:{name}")
            for name in (*KNOBS_RATE, "error_status", "drift")
        }

    def roll(self, knob: str, rate: float) -> bool:
        return rate > 0 and self._streams[knob].random() < rate

    def choice(self, knob: str, options: list[T]) -> T:
        return self._streams[knob].choice(options)

    def stream(self, knob: str) -> random.Random:
        return self._streams[knob]


def drift(record: dict[str, Any], rng: random.Random, optional: frozenset[str],
          numeric: frozenset[str]) -> None:
    """schema_drift on one record: an unnamed field appears, null optional fields go missing,
    and numbers the contract allows as strings arrive as strings."""
    record["x_sim_added"] = {"note": "a field this contract does not name", "n": rng.random()}
    for key in list(record):
        if key in optional and record[key] is None:
            del record[key]
        elif (key in numeric and isinstance(record[key], int | float)
              and not isinstance(record[key], bool)):
            record[key] = str(record[key])
