"""What every simulator shares: deterministic generation, faults, rate limits and stats.

A vendor package subclasses `Simulator` with its data set, auth and routes. Data sets are built
so that the whole history, past and future, is a function of (seed, scale, now): each record
carries its own timeline, and what the API shows is that timeline read at the simulated `now`.
`advance` only moves `now`, which is why it is deterministic and cheap.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Scope

from simulators.core.clock import day_start, parse_ts
from simulators.core.control import ControlPlane
from simulators.core.faults import FaultConfig, FaultDice, drift
from simulators.core.http import ApiError, json_bytes
from simulators.core.middleware import FaultMiddleware
from simulators.core.ratelimit import SlidingWindow, retry_after
from simulators.core.stats import Stats
from simulators.core.timeline import day_range

DEFAULT_NOW = "2026-11-01T12:00:00Z"
HISTORY_DAYS = 90  # history before `now` at reset
HORIZON_DAYS = 30  # future generated ahead, extended when `advance` nears it


class World(Protocol):
    def generate_day(self, day: datetime, rng: random.Random) -> None:
        """Add the records created on `day`; must not depend on `now`."""


W = TypeVar("W", bound=World)
S = TypeVar("S")


class Simulator(Generic[W, S]):
    """One vendor's API over its data set `W`, read at `now` into a snapshot `S`."""

    name: ClassVar[str]
    default_port: ClassVar[int]
    documented_limit: ClassVar[int]  # requests per (simulated) minute
    rate_block: ClassVar[bool] = False  # refuse for a whole window once over the limit
    ratelimit_headers: ClassVar[bool] = False  # send X-RateLimit-* on every API response
    optional_fields: ClassVar[frozenset[str]] = frozenset()  # dropped when null under drift
    numeric_fields: ClassVar[frozenset[str]] = frozenset()  # sent as strings under drift

    def __init__(
        self,
        seed: int = 1,
        scale: float = 1.0,
        now: str | None = None,
        time_scale: float = 1.0,
        hang_seconds: float = 30.0,
    ) -> None:
        self.time_scale = time_scale
        self.hang_seconds = hang_seconds
        self.routes = self.api_routes()
        self.reset(seed, scale, parse_ts(now or DEFAULT_NOW))

    # -- to implement per vendor -------------------------------------------------------
    # The data set, built as world_type(seed, scale, history_start, setup rng), and what it
    # shows at one `now`, built as snapshot_type(world, now) and cached until `now` changes.
    world_type: Callable[[int, float, datetime, random.Random], W]
    snapshot_type: Callable[[W, datetime], S]

    def new_world(self, rng: random.Random) -> W:
        return self.world_type(self.seed, self.scale, self.history_start, rng)

    def truth_records(self) -> dict[str, dict[str, Any]]:
        """entity -> {id: content} of everything a complete pull must land right now."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> Response | None:
        raise NotImplementedError

    def rate_key(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def error(self, status: int, short: str, message: str = "") -> Response:
        raise NotImplementedError

    def api_routes(self) -> list[Route]:
        raise NotImplementedError

    def env_lines(self, base_url: str) -> list[str]:
        raise NotImplementedError

    # -- state -------------------------------------------------------------------------
    def reset(self, seed: int, scale: float, now: datetime) -> None:
        self.seed, self.scale, self.now = seed, scale, now.replace(microsecond=0)
        self.stats = Stats()
        self.set_faults(FaultConfig())
        self.generate()

    def generate(self) -> None:
        self.history_start = day_start(self.now) - timedelta(days=HISTORY_DAYS)
        self.world = self.new_world(random.Random(f"{self.seed}:{self.name}:setup"))
        self.generated_until = self.history_start
        self._extend()

    def _extend(self) -> None:
        target = day_start(self.now) + timedelta(days=HORIZON_DAYS)
        for day in day_range(self.generated_until, target):
            rng = random.Random(f"{self.seed}:{self.name}:{day:%Y-%m-%d}")
            self.world.generate_day(day, rng)
        self.generated_until = max(self.generated_until, target)
        self.invalidate()

    def advance(self, minutes: int) -> None:
        self.now = self.now + timedelta(minutes=minutes)
        if self.now + timedelta(days=1) > self.generated_until:
            self._extend()
        self.invalidate()

    def invalidate(self) -> None:
        """Forget what was read at `now` (after reset, advance and page-shift inserts)."""
        self._snapshot: S | None = None

    def snap(self) -> S:
        if self._snapshot is None:
            self._snapshot = self.snapshot_type(self.world, self.now)
        return self._snapshot

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = config
        self.dice = FaultDice(self.seed)
        self.requests_since_faults = 0
        limit = config.rate_limit_per_minute or self.documented_limit
        self.limiter = SlidingWindow(limit, 60.0 / self.time_scale, block=self.rate_block)

    def revoked(self) -> bool:
        """Count one admitted request; True once `auth_revoke_after` of them have passed."""
        self.requests_since_faults += 1
        revoke_after = self.faults.auth_revoke_after
        return revoke_after is not None and self.requests_since_faults > revoke_after

    # -- helpers for vendor apps -------------------------------------------------------
    def json(self, payload: Any, status: int = 200,
             records: Iterable[dict[str, Any]] = ()) -> Response:
        """A JSON response; `records` (dicts inside `payload`) drift when schema_drift is on."""
        if self.faults.schema_drift:
            for record in records:
                self._drift(record)
        return Response(json_bytes(payload), status_code=status, media_type="application/json")

    def _drift(self, record: dict[str, Any]) -> None:
        self.stats.faults["schema_drift"] += 1
        drift(record, self.dice.stream("drift"), self.optional_fields, self.numeric_fields)

    def page_shift(self) -> int:
        """How many records to insert ahead of the cursor before serving a later page."""
        shift = self.faults.page_shift
        if shift:
            self.stats.faults["page_shift"] += shift
        return shift

    def requests_per_minute(self) -> int:
        """The documented limit in real time, for the settings printed at start."""
        return round(self.documented_limit * self.time_scale)

    # -- ASGI ----------------------------------------------------------------------------
    def app(self) -> ASGIApp:
        inner = Starlette(routes=ControlPlane(self).routes() + self.routes,
                          exception_handlers={ApiError: self._api_error})
        return FaultMiddleware(inner, self)

    def _api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return self.error(exc.status, exc.short, exc.message)

    def endpoint_of(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return f"{scope['method']} {route.path}"
        return f"{scope['method']} (unmatched)"

    def too_many_requests(self, wait: float) -> Response:
        """429 with `Retry-After` in the configured format; vendors may add a body field."""
        response = self.error(429, "Too Many Requests", "rate limit exceeded")
        response.headers["Retry-After"] = self.retry_after_header(wait)
        return response

    def retry_after_value(self, wait: float) -> float:
        """The wait as a number for a response body (simulated time is already scaled)."""
        return round(wait, 3) if self.time_scale != 1 else float(max(1, round(wait + 0.5)))

    def retry_after_header(self, wait: float) -> str:
        return retry_after(wait, self.time_scale, self.faults.retry_after_format)
