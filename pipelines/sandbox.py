"""Start the API simulators as a child process and drive them over HTTP.

Used by the demo, the tests and the benchmarks. The pipeline never imports the simulators: it
starts `python -m simulators` and talks to it like any other HTTP server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

SOURCES = ("genway", "gensail", "interviewrelay")


@dataclass
class SimControl:
    """The `/_sim/` control plane of one simulator."""

    source: str
    root: str  # http://host:port
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(base_url=self.root, timeout=60)

    def _call(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        response = self._client.request(method, f"/_sim/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def reset(self, seed: int = 1, scale: float = 1.0, now: str | None = None) -> dict:
        return self._call("POST", "reset", {"seed": seed, "scale": scale,
                                            **({"now": now} if now else {})})

    def advance(self, minutes: int) -> dict:
        return self._call("POST", "advance", {"minutes": minutes})

    def truth(self) -> dict:
        return self._call("GET", "truth")

    def truth_records(self, entity: str) -> dict[str, Any]:
        """id -> content of everything a complete pull of `entity` must land now."""
        return self._call("GET", f"truth/{entity}")["records"]

    def faults(self, **knobs: Any) -> dict:
        return self._call("POST", "faults", knobs)

    def stats(self) -> dict:
        return self._call("GET", "stats")

    def health(self) -> dict:
        return self._call("GET", "health")


class SimulatorProcess:
    """`python -m simulators` on free loopback ports; a context manager."""

    def __init__(self, seed: int = 1, scale: float = 1.0, now: str | None = None,
                 time_scale: float = 1.0, hang_seconds: float = 30.0) -> None:
        self.args = ["--seed", str(seed), "--scale", str(scale), "--time-scale", str(time_scale),
                     "--hang-seconds", str(hang_seconds)]
        if now:
            self.args += ["--now", now]
        self.args += [arg for source in SOURCES for arg in (f"--{source}-port", "0")]
        self.env: dict[str, str] = {}
        self.controls: dict[str, SimControl] = {}
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 60.0) -> SimulatorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "simulators", *self.args],
            stdout=subprocess.PIPE, text=True, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        assert self._process.stdout is not None
        for line in self._process.stdout:
            line = line.strip()
            if line == "READY":
                break
            if "=" in line:
                name, value = line.split("=", 1)
                self.env[name] = value
            if time.monotonic() > deadline:
                break
        if "GENWAY_BASE_URL" not in self.env:
            self.stop()
            raise RuntimeError("the simulators did not start; see their output above")
        # Keep draining stdout so a chatty child never blocks on a full pipe.
        threading.Thread(target=self._process.stdout.read, daemon=True).start()
        roots = {
            "genway": self.env["GENWAY_BASE_URL"].removesuffix("/v1"),
            "gensail": self.env["GENSAIL_BASE_URL"],
            "interviewrelay": self.env["INTERVIEWRELAY_BASE_URL"],
        }
        self.controls = {source: SimControl(source, root) for source, root in roots.items()}
        return self

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()

    def __enter__(self) -> SimulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
