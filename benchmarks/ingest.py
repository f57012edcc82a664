"""Ingestion benchmark: requests per landed record per entity, and rate-limit utilisation.

Run: `python3 dev.py bench ingest [--scale 1] [--time-scale 10]`.

Full history of all three simulators (time compressed, so the vendors' per-minute limits become
per-`60/time_scale`-second ones), through the real assets in one in-process Dagster run. While
the Genway backfill runs, `/_sim/stats` is sampled every 0.25 s: utilisation is the request rate
of the busy period against the simulator's own limit (the baseline, in the same run), and the
share of requests answered 429 is read from the same counters. The aim: with the clock at x10
a Genway backfill sustains at least 97 % of the limit with at most 0.5 % of requests refused.
The peak resident memory of this process is printed at the end: compare `--scale 1` with
`--scale 10` (with `--time-scale 6000`, so the limits do not make it slow).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The partitions begin where the simulators' history does (read when the assets are imported).
os.environ["INGEST_START_DATE"] = "2026-08-01"

from pipelines.sandbox import SimulatorProcess
from resources.sources import ALL_SPECS
from tests.integration.ingest_support import materialize, metadata

NOW = "2026-11-01T12:00:00Z"
FIRST, LAST = date.fromisoformat(os.environ["INGEST_START_DATE"]), date(2026, 11, 1)
GENWAY_LIMIT_PER_MINUTE = 50  # the contract's documented limit, per simulated minute


def sample_requests(control, samples: list[tuple[float, int]], stop: threading.Event) -> None:
    while not stop.is_set():
        samples.append((time.monotonic(), control.stats()["requests"]))
        stop.wait(0.25)


def busy_rate(samples: list[tuple[float, int]]) -> float:
    """Requests per second from the first to the last sample that saw new requests."""
    moving = [i for i in range(1, len(samples)) if samples[i][1] > samples[i - 1][1]]
    if not moving:
        return 0.0
    (t0, n0), (t1, n1) = samples[moving[0] - 1], samples[moving[-1]]
    return (n1 - n0) / (t1 - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--time-scale", type=float, default=10.0)
    args = parser.parse_args()
    with SimulatorProcess(seed=1, scale=args.scale, now=NOW, time_scale=args.time_scale) as sims, \
            tempfile.TemporaryDirectory() as scratch:
        os.environ.update(sims.env)
        os.environ["WAREHOUSE_DIR"] = str(Path(scratch) / "warehouse")
        os.environ["RATE_LIMIT_STATE_DIR"] = str(Path(scratch) / "budgets")
        genway = sims.controls["genway"]
        samples: list[tuple[float, int]] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_requests, args=(genway, samples, stop))
        sampler.start()
        started = time.monotonic()
        genway_run = materialize(FIRST, LAST, sources=("genway",))
        genway_seconds = time.monotonic() - started
        stop.set()
        sampler.join()
        stats = genway.stats()
        limit = GENWAY_LIMIT_PER_MINUTE * args.time_scale / 60
        rate = busy_rate(samples)
        print(f"genway backfill {FIRST}..{LAST}, scale {args.scale}, time_scale "
              f"{args.time_scale}: {stats['requests']} requests in {genway_seconds:.1f} s")
        print(f"  limit {limit:.1f}/s; busy-period rate {rate:.1f}/s = {rate / limit:.1%} of the "
              f"limit; whole run (Dagster start-up included) "
              f"{stats['requests'] / genway_seconds / limit:.1%}")
        print(f"  answered 429: {stats['refused']} = {stats['refused'] / stats['requests']:.2%}")

        started = time.monotonic()
        rest = materialize(FIRST, LAST, sources=("gensail", "interviewrelay"))
        print(f"gensail + interviewrelay backfill: {time.monotonic() - started:.1f} s")
        print(f"\n{'entity':<30} {'requests':>9} {'records':>8} {'req/record':>11}")
        for result, sources in ((genway_run, ("genway",)), (rest, ("gensail", "interviewrelay"))):
            for asset in sorted(s.name for s in ALL_SPECS if s.source in sources):
                md = metadata(result, asset)
                landed = md["rows_inserted"] + md["rows_updated"]
                per = f"{md['requests'] / landed:.3f}" if landed else "-"
                print(f"{asset:<30} {md['requests']:>9} {landed:>8} {per:>11}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the pipeline process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
