"""The `/_sim/` control plane: endpoints the real APIs do not have (shared/apis/README.md).

Tests, benchmarks and the demo drive time, volume and faults through them; the pipeline never
calls them. The plane sees its simulator only through `Controlled`, so it does not depend on the
`Simulator` class that mounts it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.core.clock import fmt_ts, parse_ts
from simulators.core.faults import FaultConfig
from simulators.core.ratelimit import SlidingWindow
from simulators.core.stats import Stats
from simulators.core.truth import summary


class Controlled(Protocol):
    @property
    def name(self) -> str: ...

    seed: int
    scale: float
    now: datetime
    faults: FaultConfig
    stats: Stats
    limiter: SlidingWindow

    def reset(self, seed: int, scale: float, now: datetime) -> None: ...

    def advance(self, minutes: int) -> None: ...

    def set_faults(self, config: FaultConfig) -> None: ...

    def truth_records(self) -> dict[str, dict[str, Any]]: ...


async def _body(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


class ControlPlane:
    def __init__(self, sim: Controlled) -> None:
        self.sim = sim

    def routes(self) -> list[Route]:
        return [
            Route("/_sim/health", self.health, methods=["GET"]),
            Route("/_sim/reset", self.reset, methods=["POST"]),
            Route("/_sim/advance", self.advance, methods=["POST"]),
            Route("/_sim/truth", self.truth, methods=["GET"]),
            Route("/_sim/truth/{entity}", self.truth_of, methods=["GET"]),
            Route("/_sim/faults", self.faults, methods=["POST", "GET"]),
            Route("/_sim/stats", self.stats, methods=["GET"]),
        ]

    def _stamp(self) -> dict[str, Any]:
        return {"source": self.sim.name, "now": fmt_ts(self.sim.now)}

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", **self._stamp()})

    async def reset(self, request: Request) -> Response:
        sim, body = self.sim, await _body(request)
        now = parse_ts(body["now"]) if body.get("now") else sim.now
        sim.reset(int(body.get("seed", sim.seed)), float(body.get("scale", sim.scale)), now)
        return JSONResponse({"status": "reset", "seed": sim.seed, "scale": sim.scale,
                             "now": fmt_ts(sim.now)})

    async def advance(self, request: Request) -> Response:
        minutes = int((await _body(request)).get("minutes", 0))
        if minutes < 0:
            return JSONResponse({"error": "minutes must be >= 0"}, status_code=400)
        self.sim.advance(minutes)
        return JSONResponse({"status": "advanced", "now": fmt_ts(self.sim.now)})

    async def truth(self, request: Request) -> Response:
        entities = {entity: summary(records)
                    for entity, records in self.sim.truth_records().items()}
        return JSONResponse({**self._stamp(), "entities": entities})

    async def truth_of(self, request: Request) -> Response:
        """One entity's records with their content, so tests can compare more than ids."""
        entity, every = request.path_params["entity"], self.sim.truth_records()
        if entity not in every:
            return JSONResponse({"error": f"unknown entity {entity!r}",
                                 "entities": sorted(every)}, status_code=404)
        return JSONResponse({**self._stamp(), "entity": entity, "records": every[entity]})

    async def faults(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self.sim.set_faults(FaultConfig.from_body(await _body(request)))
            except (ValueError, TypeError) as exc:  # FaultError, or a body that is not JSON
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(self.sim.faults.as_dict())

    async def stats(self, request: Request) -> Response:
        return JSONResponse({**self.sim.stats.snapshot(), "rate_limit": self.sim.limiter.stats(),
                             "as_of": datetime.now(UTC).isoformat()})
