"""`python -m simulators`: prints its settings and READY, serves, stops cleanly on a signal."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTING = re.compile(r"^[A-Z][A-Z0-9_]*=\S+$")
REQUIRED = ("GENWAY_BASE_URL", "GENWAY_TENANTS", "GENSAIL_BASE_URL", "GENSAIL_API_TOKEN",
            "INTERVIEWRELAY_BASE_URL", "INTERVIEWRELAY_API_KEY")
LIMITS = ("GENWAY_REQUESTS_PER_MINUTE", "GENSAIL_REQUESTS_PER_MINUTE",
          "INTERVIEWRELAY_REQUESTS_PER_MINUTE")


class Started:
    """A `python -m simulators` child on free ports, and what it printed before READY."""

    def __init__(self, stderr: IO[str]) -> None:
        self.stderr = stderr
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simulators", "--genway-port", "0", "--gensail-port", "0",
             "--interviewrelay-port", "0"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until_ready(self, timeout: float = 60.0) -> list[str]:
        printed: list[str] = []
        deadline = time.monotonic() + timeout
        while (line := self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))) != "READY":
            if line is None:
                self.stderr.seek(0)
                pytest.fail(f"exited before READY: {printed}\n{self.stderr.read()}")
            printed.append(line)
        return printed

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def started() -> Iterator[Started]:
    with tempfile.TemporaryFile(mode="w+") as stderr:
        child = Started(stderr)
        yield child
        child.stop()


def check_serving(env: dict[str, str], http: httpx.Client) -> None:
    tenant, key = env["GENWAY_TENANTS"].split(",")[0].split(":", 1)
    genway = http.get(f"{env['GENWAY_BASE_URL']}/projects",
                      headers={"X-Tenant-Id": tenant, "X-Api-Key": key})
    assert genway.status_code == 200 and "data" in genway.json()
    gensail = http.get(f"{env['GENSAIL_BASE_URL']}/api/v1/jobs",
                       headers={"Authorization": f"Bearer {env['GENSAIL_API_TOKEN']}"})
    assert gensail.status_code == 200 and "jobs" in gensail.json()
    relay = http.get(f"{env['INTERVIEWRELAY_BASE_URL']}/api/sessions",
                     headers={"Authorization": f"Bearer {env['INTERVIEWRELAY_API_KEY']}"})
    assert relay.status_code == 200 and "sessions" in relay.json()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_prints_settings_serves_and_stops_on_signal(started: Started,
                                                    signum: signal.Signals) -> None:
    printed = started.until_ready()
    assert printed and all(SETTING.match(line) for line in printed), printed
    env = dict(line.split("=", 1) for line in printed)
    assert set(REQUIRED + LIMITS) <= set(env)
    assert all(int(env[name]) > 0 for name in LIMITS)
    roots = [urlsplit(env[name]) for name in REQUIRED if name.endswith("_BASE_URL")]
    assert all(url.scheme == "http" and url.hostname == "127.0.0.1" for url in roots)
    assert len({url.port for url in roots}) == 3 and all(url.port for url in roots)

    # A kept-alive connection stays open across the signal: shutdown must not wait on it.
    with httpx.Client(timeout=10) as http:
        check_serving(env, http)
        signalled = time.monotonic()
        started.process.send_signal(signum)
        code = started.process.wait(timeout=10)
    assert code == 0
    assert time.monotonic() - signalled < 5
