"""What every simulator shares: the `/_sim/` control plane, faults, rate limits and stats.

A source module subclasses `Simulator` with its data model, auth and routes. Data sets are built
so that the whole history, past and future, is a function of (seed, scale, now): each record
carries its own timeline, and what the API shows is that timeline read at the simulated `now`.
`advance` only moves `now`, which is why it is deterministic and cheap.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import random
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from simulators.clock import day_start, fmt_ts, parse_ts
from simulators.faults import FaultConfig, FaultDice
from simulators.lifecycle import HISTORY_DAYS, HORIZON_DAYS, day_range
from simulators.ratelimit import SlidingWindow, retry_after_seconds
from simulators.stats import Stats

DEFAULT_NOW = "2026-11-01T12:00:00Z"


class Simulator:
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

    # -- to implement per source -------------------------------------------------------
    def setup(self, rng: random.Random) -> None:
        """Build what does not come per day (tenants, projects, algorithms...)."""
        raise NotImplementedError

    def generate_day(self, day: datetime, rng: random.Random) -> None:
        """Add the records created on `day`; must not depend on `now`."""
        raise NotImplementedError

    def invalidate(self) -> None:
        """Drop caches derived from `now` (called after reset, advance and inserts)."""

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
        self.setup(random.Random(f"{self.seed}:{self.name}:setup"))
        self.generated_until = self.history_start
        self._extend()

    def _extend(self) -> None:
        target = day_start(self.now) + timedelta(days=HORIZON_DAYS)
        for day in day_range(self.generated_until, target):
            self.generate_day(day, random.Random(f"{self.seed}:{self.name}:{day:%Y-%m-%d}"))
        self.generated_until = max(self.generated_until, target)
        self.invalidate()

    def advance(self, minutes: int) -> None:
        self.now = self.now + timedelta(minutes=minutes)
        if self.now + timedelta(days=1) > self.generated_until:
            self._extend()
        self.invalidate()

    def set_faults(self, config: FaultConfig) -> None:
        self.faults = config
        self.dice = FaultDice(self.seed)
        self.requests_since_faults = 0
        limit = config.rate_limit_per_minute or self.documented_limit
        self.limiter = SlidingWindow(limit, 60.0 / self.time_scale, block=self.rate_block)

    def truth(self) -> dict:
        entities = {}
        for entity, records in self.truth_records().items():
            ids = sorted(records)
            digest = hashlib.sha256()
            for record_id in ids:
                digest.update(json.dumps(records[record_id], sort_keys=True).encode())
            entities[entity] = {"count": len(ids), "ids": ids, "checksum": digest.hexdigest()}
        return {"source": self.name, "now": fmt_ts(self.now), "entities": entities}

    # -- helpers for source modules ----------------------------------------------------
    def json(self, payload: Any, status: int = 200, records: Iterable[dict] = ()) -> Response:
        """A JSON response; `records` (dicts inside `payload`) drift when schema_drift is on."""
        if self.faults.schema_drift:
            for record in records:
                self._drift(record)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return Response(body, status_code=status, media_type="application/json")

    def _drift(self, record: dict) -> None:
        rng = self.dice.stream("drift")
        self.stats.faults["schema_drift"] += 1
        record["x_sim_added"] = {"note": "a field this contract does not name", "n": rng.random()}
        for key in list(record):
            if key in self.optional_fields and record[key] is None:
                del record[key]
            elif (key in self.numeric_fields and isinstance(record[key], int | float)
                  and not isinstance(record[key], bool)):
                record[key] = str(record[key])

    def page_shift(self) -> int:
        """How many records to insert ahead of the cursor before serving a later page."""
        shift = self.faults.page_shift
        if shift:
            self.stats.faults["page_shift"] += shift
        return shift

    # -- ASGI ----------------------------------------------------------------------------
    def app(self) -> Starlette:
        control = [
            Route("/_sim/health", self._health, methods=["GET"]),
            Route("/_sim/reset", self._reset, methods=["POST"]),
            Route("/_sim/advance", self._advance, methods=["POST"]),
            Route("/_sim/truth", self._truth, methods=["GET"]),
            Route("/_sim/faults", self._faults, methods=["POST", "GET"]),
            Route("/_sim/stats", self._stats, methods=["GET"]),
        ]
        inner = Starlette(routes=control + self.routes)
        from simulators.middleware import FaultMiddleware

        return FaultMiddleware(inner, self)  # type: ignore[return-value]

    def endpoint_of(self, scope: dict) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return f"{scope['method']} {route.path}"
        return f"{scope['method']} (unmatched)"

    def too_many_requests(self, wait: float) -> Response:
        """429 with `Retry-After` in the configured format; sources may add a body field."""
        response = self.error(429, "Too Many Requests", "rate limit exceeded")
        response.headers["Retry-After"] = self.retry_after_header(wait)
        return response

    def retry_after_value(self, wait: float) -> float:
        """The wait as a number for a response body (simulated time is already scaled)."""
        return round(wait, 3) if self.time_scale != 1 else float(max(1, round(wait + 0.5)))

    def retry_after_header(self, wait: float) -> str:
        if self.faults.retry_after_format == "http-date":
            return email.utils.formatdate(time.time() + wait + 0.999, usegmt=True)
        return retry_after_seconds(wait, self.time_scale)

    async def _health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "source": self.name, "now": fmt_ts(self.now)})

    async def _body(self, request: Request) -> dict:
        raw = await request.body()
        return json.loads(raw) if raw.strip() else {}

    async def _reset(self, request: Request) -> Response:
        body = await self._body(request)
        now = parse_ts(body["now"]) if body.get("now") else self.now
        self.reset(int(body.get("seed", self.seed)), float(body.get("scale", self.scale)), now)
        return JSONResponse({"status": "reset", "seed": self.seed, "scale": self.scale,
                             "now": fmt_ts(self.now)})

    async def _advance(self, request: Request) -> Response:
        minutes = int((await self._body(request)).get("minutes", 0))
        if minutes < 0:
            return JSONResponse({"error": "minutes must be >= 0"}, status_code=400)
        self.advance(minutes)
        return JSONResponse({"status": "advanced", "now": fmt_ts(self.now)})

    async def _truth(self, request: Request) -> Response:
        return JSONResponse(self.truth())

    async def _faults(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self.set_faults(FaultConfig.from_body(await self._body(request)))
            except (ValueError, TypeError) as exc:  # FaultError, or a body that is not JSON
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(self.faults.as_dict())

    async def _stats(self, request: Request) -> Response:
        return JSONResponse({**self.stats.snapshot(), "rate_limit": self.limiter.stats(),
                             "as_of": datetime.now(UTC).isoformat()})
