"""The simulate command: one uvicorn server per simulator, all in one process and event loop.

It serves whatever registry it is given (see `simulators.server`), so this package does not
depend on the vendor packages. On start it prints, one `NAME=value` line each, the settings
that point the pipeline at the servers, then `READY`; it stops cleanly on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import Any

import uvicorn

from simulators.core.simulator import DEFAULT_NOW, Simulator

Registry = dict[str, type[Simulator[Any, Any]]]


class _Server(uvicorn.Server):
    """Signals are handled once for all servers, not by each server on its own."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def parse_args(registry: Registry, description: str | None,
               argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="interview-warehouse simulate", description=description)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--now", default=None,
                        help=f"simulated clock at start, ISO 8601 (default {DEFAULT_NOW})")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="compress time: 60 turns '50 per minute' into 50 per second")
    parser.add_argument("--hang-seconds", type=float, default=30.0,
                        help="how long a request hit by the timeout fault hangs")
    parser.add_argument("--host", default="127.0.0.1")
    for name, cls in registry.items():
        parser.add_argument(f"--{name}-port", type=int, default=cls.default_port,
                            help=f"0 picks a free port (default {cls.default_port})")
    return parser.parse_args(argv)


async def serve(registry: Registry, args: argparse.Namespace) -> None:
    servers: list[tuple[Simulator[Any, Any], _Server]] = []
    for name, cls in registry.items():
        sim = cls(seed=args.seed, scale=args.scale, now=args.now, time_scale=args.time_scale,
                  hang_seconds=args.hang_seconds)
        config = uvicorn.Config(sim.app(), host=args.host, port=getattr(args, f"{name}_port"),
                                log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1, backlog=512)
        servers.append((sim, _Server(config)))
    tasks = [asyncio.create_task(server.serve()) for _, server in servers]

    def stop() -> None:
        for _, server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    while not all(server.started for _, server in servers):
        if any(task.done() for task in tasks):
            for task in tasks:
                task.cancel()
            raise SystemExit("simulators: a server failed to start (port in use?)")
        await asyncio.sleep(0.02)
    for sim, server in servers:
        port = server.servers[0].sockets[0].getsockname()[1]
        for line in sim.env_lines(f"http://{args.host}:{port}"):
            print(line)
    print("READY", flush=True)
    await asyncio.gather(*tasks)


def main(registry: Registry, description: str | None, argv: list[str] | None = None) -> None:
    args = parse_args(registry, description, argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(registry, args))
    sys.exit(0)
