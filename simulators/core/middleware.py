"""The pure-ASGI layer in front of every simulated API: faults, rate limit, auth, stats.

Order: drop, timeout and 5xx faults fire first (they model the network and the vendor's
servers), then the rate limit (counted per client before auth, as a gateway would), then auth,
then the route. A 200 JSON body may be cut short on its way out (`malformed_rate`).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators.core.faults import FaultConfig, FaultDice
from simulators.core.ratelimit import SlidingWindow
from simulators.core.stats import Stats


class Guarded(Protocol):
    """What the middleware needs from the simulator behind it."""

    faults: FaultConfig
    dice: FaultDice
    stats: Stats
    limiter: SlidingWindow
    hang_seconds: float

    @property
    def ratelimit_headers(self) -> bool: ...

    def endpoint_of(self, scope: Scope) -> str: ...

    def rate_key(self, request: Request) -> str: ...

    def too_many_requests(self, wait: float) -> Response: ...

    def revoked(self) -> bool: ...

    def error(self, status: int, short: str, message: str = "") -> Response: ...

    def authenticate(self, request: Request) -> Response | None: ...


class FaultMiddleware:
    def __init__(self, app: ASGIApp, sim: Guarded) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim/"):
            await self.app(scope, receive, send)
            return
        sim, faults, dice = self.sim, self.sim.faults, self.sim.dice
        endpoint = sim.endpoint_of(scope)

        if dice.roll("drop_rate", faults.drop_rate):
            sim.stats.record(endpoint, "dropped")
            sim.stats.faults["drop"] += 1
            _abort(send)
            return
        if dice.roll("timeout_rate", faults.timeout_rate):
            sim.stats.record(endpoint, "timeout")
            sim.stats.faults["timeout"] += 1
            await asyncio.sleep(sim.hang_seconds)
            _abort(send)
            return
        if dice.roll("error_rate", faults.error_rate):
            status = dice.choice("error_status", [500, 502, 503])
            sim.stats.faults["error"] += 1
            await self._send(sim.error(status, "Internal Server Error", "injected fault"),
                             scope, receive, send, endpoint)
            return

        request = Request(scope, receive)
        decision = sim.limiter.check(sim.rate_key(request))
        extra: list[tuple[bytes, bytes]] = []
        if sim.ratelimit_headers:
            extra = [
                (b"x-ratelimit-limit", str(decision.limit).encode()),
                (b"x-ratelimit-remaining", str(decision.remaining).encode()),
                (b"x-ratelimit-reset", str(int(decision.reset_at) + 1).encode()),
            ]
        if not decision.allowed:
            response = sim.too_many_requests(decision.retry_after)
            await self._send(response, scope, receive, send, endpoint, extra)
            return

        if sim.revoked():
            response = sim.error(401, "Unauthorized", "API key revoked")
            await self._send(response, scope, receive, send, endpoint, extra)
            return
        denied = sim.authenticate(request)
        if denied is not None:
            await self._send(denied, scope, receive, send, endpoint, extra)
            return
        await self._send(self.app, scope, receive, send, endpoint, extra, may_truncate=True)

    async def _send(
        self,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        endpoint: str,
        extra: list[tuple[bytes, bytes]] | None = None,
        may_truncate: bool = False,
    ) -> None:
        sim = self.sim
        held: dict[str, Message] = {}
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                sim.stats.record(endpoint, message["status"])
                message = {**message, "headers": [*message.get("headers", []), *(extra or [])]}
                if (may_truncate and message["status"] == 200 and _is_json(message)
                        and sim.dice.roll("malformed_rate", sim.faults.malformed_rate)):
                    held["start"] = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and "start" in held:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_truncated(send, held["start"], b"".join(chunks))
                    sim.stats.faults["malformed"] += 1
            else:
                await send(message)

        await app(scope, receive, wrapped)


def _is_json(start: Message) -> bool:
    return any(k == b"content-type" and b"json" in v for k, v in start.get("headers", []))


async def _send_truncated(send: Send, start: Message, body: bytes) -> None:
    cut = body[: max(1, len(body) // 2)]
    headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
    headers.append((b"content-length", str(len(cut)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": cut, "more_body": False})


def _abort(send: Send) -> None:
    """Close the connection before any response byte: uvicorn's send is bound to its cycle."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None:
        transport.abort()
        if cycle is not None:
            cycle.response_started = True
            cycle.response_complete = True
