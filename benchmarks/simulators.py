"""Simulator benchmark: data generation time, then list requests per second on loopback.

Run: `.venv/bin/python benchmarks/simulators.py [--scale 10] [--seconds 2] [--profile]`.
The aim (from the issue): generation under 10 s at scale 10, several hundred 100-item pages per
second. `--profile` prints where generation spends its time (cProfile, in-process).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

# This file is itself named `simulators.py`: the repository root must come first on the path,
# and be the working directory of the `python -m simulators` child.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.sandbox import SimulatorProcess
from simulators.server import SIMULATORS

ROOT = Path(__file__).resolve().parents[1]

NOW = "2026-11-01T12:00:00Z"
PAGE = 100


def time_generation(scale: float, profile: bool) -> dict[str, float]:
    timings: dict[str, float] = {}
    for name, cls in SIMULATORS.items():
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        cls(seed=1, scale=scale, now=NOW)
        if profiler:
            profiler.disable()
        timings[name] = time.perf_counter() - started
        if profiler:
            print(f"\n--- cProfile: {name} generation (top 12 by cumulative time)")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(12)
    return timings


@dataclass
class Workload:
    label: str
    urls: list[str]  # cycled through by every client, each from its own starting point
    headers: dict[str, str]
    items: Callable[[dict], int]  # items in one response body


def workloads(env: dict[str, str]) -> list[Workload]:
    relay = env["INTERVIEWRELAY_BASE_URL"]
    relay_headers = {"Authorization": f"Bearer {env['INTERVIEWRELAY_API_KEY']}"}
    total = httpx.get(f"{relay}/api/sessions?limit=1", headers=relay_headers).json()["total"]
    sail = env["GENSAIL_BASE_URL"]
    sail_headers = {"Authorization": f"Bearer {env['GENSAIL_API_TOKEN']}"}
    jobs = httpx.get(f"{sail}/api/v1/jobs?page_size=1", headers=sail_headers).json()["total"]
    tenant, key = env["GENWAY_TENANTS"].split(",")[0].split(":", 1)
    return [
        Workload("interviewrelay /api/sessions", [
            f"{relay}/api/sessions?limit={PAGE}&offset={k}" for k in range(0, total, PAGE)
        ], relay_headers, lambda body: len(body["sessions"])),
        Workload("gensail /api/v1/jobs", [
            f"{sail}/api/v1/jobs?page_size={PAGE}&page={k}"
            for k in range(1, (jobs + PAGE - 1) // PAGE + 1)
        ], sail_headers, lambda body: len(body["jobs"])),
        Workload("genway /v1/interviews (all)", [f"{env['GENWAY_BASE_URL']}/interviews"],
                 {"X-Tenant-Id": tenant, "X-Api-Key": key}, lambda body: len(body["data"])),
    ]


def throughput(work: Workload, clients: int, seconds: float) -> tuple[float, float, int]:
    """(requests per second, mean items per response, failed requests) over `seconds`."""
    counts = [[0, 0, 0] for _ in range(clients)]  # requests, items, failures
    deadline = time.perf_counter() + seconds

    def run(index: int) -> None:
        with httpx.Client(headers=work.headers, timeout=30) as http:
            step = index * max(1, len(work.urls) // clients)
            while time.perf_counter() < deadline:
                response = http.get(work.urls[step % len(work.urls)])
                step += 1
                counts[index][0] += 1
                if response.status_code == 200:
                    counts[index][1] += work.items(response.json())
                else:
                    counts[index][2] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    requests, items, failed = (sum(c[i] for c in counts) for i in range(3))
    return requests / elapsed, items / max(requests, 1), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per cell")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)

    timings = time_generation(args.scale, args.profile)
    print(f"\ngeneration at scale {args.scale:g} (in-process, seed 1)")
    for name, seconds in timings.items():
        print(f"  {name:<16}{seconds:8.2f} s")
    print(f"  {'total':<16}{sum(timings.values()):8.2f} s   (aim: < 10 s)")

    started = time.perf_counter()
    with SimulatorProcess(seed=1, scale=args.scale, now=NOW, time_scale=1000.0) as process:
        print(f"\nsimulators started in {time.perf_counter() - started:.1f} s")
        for control in process.controls.values():
            control.faults(rate_limit_per_minute=10**9)
        print(f"list requests per second on loopback, {args.seconds:g} s per cell")
        print(f"  {'endpoint':<30}{'items/resp':>11}{'1 client':>10}{'4 clients':>11}"
              f"{'failed':>8}")
        for work in workloads(process.env):
            one, items, failed_one = throughput(work, 1, args.seconds)
            four, _, failed_four = throughput(work, 4, args.seconds)
            print(f"  {work.label:<30}{items:>11.0f}{one:>10.0f}{four:>11.0f}"
                  f"{failed_one + failed_four:>8}")
    print("(aim: several hundred 100-item pages per second)")


if __name__ == "__main__":
    main()
