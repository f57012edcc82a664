"""Side by side: the project's `interview-warehouse sync` against dlt's `rest_api` (the tool a user
would pick instead) pulling the same three simulated APIs, in one run.

Run: `python3 dev.py bench peer [--scales 1,4] [--repeats 3] [--only project|dlt] [--keep DIR]`.

Why: to know what the project's design (Dagster run, forked step workers, a shared rate budget,
partitioned Parquet, then a dbt build) costs next to the plain alternative, and whether both land
every record. Each run gets a FRESH simulator process (seed 1, time_scale 60, the same `now` for
both tools), with rate limits off on both sides (the simulators' `rate_limit_per_minute` knob and
the project's `*_REQUESTS_PER_MINUTE` at 10**9), so the figures are the tools' own, not waits.
Runs alternate project, dlt, project, dlt... so drifting machine load hits both alike.

Measured per run, for the command's whole process tree (see `peer_measure.py` for how):
wall time; CPU seconds (user+sys) of every process, short-lived ones included; peak PSS of the
tree (with peak RSS beside it); the most processes alive at once; requests and 429 answers per
API (the simulators' `/_sim/stats`); distinct ids per entity landed against the simulators'
truth (the project: its Parquet lake; dlt: its Parquet tables), mismatches flagged.
For the project also: "ingestion alone", from launch to the end of its last ingestion step, and
the start-up cost, from launch to the first step, both read from the run's events in the Dagster
instance it used (a step is "build" when it materializes or checks a `warehouse` asset, or by
its name when it has none); and a second, no-op `sync` right after on the same state and server.
The project's sync covers `now - 92 days` to `now` (the simulators hold 90 days of history).
dlt runs in its own virtualenv (`peer_tools.dlt_python`), with exact pins, under `.bench/`.
Figures depend on the machine's load: it is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # before benchmarks/simulators.py

import peer_tools as tools
from peer_measure import Usage, run_tree

from pipelines.sandbox import SOURCES, SimulatorProcess

SEED, TIME_SCALE, HISTORY_DAYS = 1, 60, 92


@dataclass
class Run:
    tool: str
    usage: Usage
    requests: dict[str, int]
    refused: int
    mismatches: list[str]
    not_pulled: list[str] = field(default_factory=list)
    phases: tools.Phases | None = None
    noop: Usage | None = None
    noop_requests: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def share_429(self) -> float:
        return self.refused / max(1, sum(self.requests.values()))


def start_sims(scale: float, now: datetime) -> SimulatorProcess:
    sims = SimulatorProcess(seed=SEED, scale=scale, now=now.isoformat(), time_scale=TIME_SCALE)
    sims.start()
    for control in sims.controls.values():
        control.faults(rate_limit_per_minute=tools.UNLIMITED)
    return sims


def api_stats(sims: SimulatorProcess) -> tuple[dict[str, int], int]:
    stats = {source: control.stats() for source, control in sims.controls.items()}
    return {s: stats[s]["requests"] for s in SOURCES}, sum(v["refused"] for v in stats.values())


def failed(usage: Usage, label: str) -> None:
    if usage.returncode:
        tail = usage.output.read_text(errors="replace").splitlines()[-15:]
        print(f"  {label} FAILED (exit {usage.returncode}); last lines of {usage.output}:")
        print("\n".join(f"    | {line}" for line in tail))


def run_project(scale: float, now: datetime, out: Path) -> Run:
    start = str((now - timedelta(days=HISTORY_DAYS)).date())
    command = tools.project_command(start, str(now.date()))
    sims = start_sims(scale, now)
    try:
        env = tools.project_env(sims, out, start)
        usage = run_tree(command, env, out / "sync.log")
        failed(usage, "project sync")
        requests, refused = api_stats(sims)
        truth = tools.truth_counts(sims)
        landed = tools.project_counts(out, list(truth))
        phases = tools.dagster_phases(out / "dagster_home", usage.started)
        # What the hourly schedule runs when nothing changed: a plain sync, its window.
        noop = run_tree(command[:2], env, out / "noop-sync.log")
        failed(noop, "project no-op sync")
        after, _ = api_stats(sims)
    finally:
        sims.stop()
    return Run("project", usage, requests, refused, tools.mismatches(landed, truth),
               phases=phases, noop=noop, noop_requests={s: after[s] - requests[s] for s in after})


def run_dlt(python: Path, scale: float, now: datetime, out: Path) -> Run:
    sims = start_sims(scale, now)
    try:
        usage = run_tree(tools.dlt_command(python, sims, out), tools.dlt_env(), out / "dlt.log")
        failed(usage, "dlt")
        requests, refused = api_stats(sims)
        truth = tools.truth_counts(sims)
    finally:
        sims.stop()
    landed = tools.dlt_counts(out, list(truth))
    return Run("dlt", usage, requests, refused, tools.mismatches(landed, truth),
               not_pulled=[e for e, n in landed.items() if n is None],
               note=tools.dlt_timings(usage.output))


def describe(run: Run) -> str:
    u = run.usage
    text = (f"wall {u.wall:.1f} s, CPU {u.cpu:.1f} s (kernel {u.cpu_kernel:.1f}, sampled "
            f"{u.cpu_sampled:.1f} over {u.pids_seen} pids), PSS {u.peak_pss_mb:.0f} MB "
            f"(RSS {u.peak_rss_mb:.0f}), {u.max_procs} procs, requests "
            f"{'/'.join(map(str, run.requests.values()))}, 429s {run.refused}, "
            f"mismatches {run.mismatches or 0}")
    if run.phases:
        p = run.phases
        text += (f"\n    dagster (s from launch): RUN_START {p.run_start:.1f}, first step "
                 f"{p.first_step:.1f}, last ingestion step done {p.ingestion_end:.1f}, "
                 f"run end {p.end:.1f}")
    if run.note:
        text += f"\n    {run.note}"
    if run.noop:
        text += (f"\n    no-op second sync: wall {run.noop.wall:.1f} s, CPU {run.noop.cpu:.1f} s, "
                 f"requests {'/'.join(map(str, run.noop_requests.values()))}")
    return text


def cell(values: list[float], digits: int = 1) -> str:
    values = [v for v in values if v == v]  # drop NaN
    if not values:
        return "-"
    median, low = statistics.median(values), min(values)
    return f"{median:.{digits}f}" + (f" ({low:.{digits}f})" if len(values) > 1 else "")


def ratio(a: list[float], b: list[float]) -> str:
    a, b = [v for v in a if v == v], [v for v in b if v == v]
    return f"{statistics.median(a) / statistics.median(b):.2f}x" if a and b else ""


def table(scale: float, runs: list[Run]) -> None:
    by = {t: [r for r in runs if r.tool == t] for t in ("project", "dlt")}
    P, D = by["project"], by["dlt"]

    def col(tool_runs: list[Run], get: Callable[[Run], float]) -> list[float]:
        return [get(r) for r in tool_runs]

    nan = float("nan")
    # label, project values, dlt values, print the ratio, digits
    rows: list[tuple[str, list[float], list[float], bool, int]] = [
        ("wall s", col(P, lambda r: r.usage.wall), col(D, lambda r: r.usage.wall), True, 1),
        ("ingestion alone s (dlt: its whole wall)",
         col(P, lambda r: r.phases.ingestion_end if r.phases else nan),
         col(D, lambda r: r.usage.wall), True, 1),
        ("start-up s (launch -> first step)",
         col(P, lambda r: r.phases.first_step if r.phases else nan), [], False, 1),
        ("CPU s (user+sys, whole tree)", col(P, lambda r: r.usage.cpu),
         col(D, lambda r: r.usage.cpu), True, 1),
        ("peak PSS MB", col(P, lambda r: r.usage.peak_pss_mb),
         col(D, lambda r: r.usage.peak_pss_mb), True, 0),
        ("peak RSS MB (sum over the tree)", col(P, lambda r: r.usage.peak_rss_mb),
         col(D, lambda r: r.usage.peak_rss_mb), False, 0),
        ("max processes alive at once", col(P, lambda r: r.usage.max_procs),
         col(D, lambda r: r.usage.max_procs), False, 0),
    ]
    rows += [(f"requests {s}", col(P, lambda r, s=s: r.requests[s]),
              col(D, lambda r, s=s: r.requests[s]), False, 0) for s in SOURCES]
    rows += [("429 share %", col(P, lambda r: 100 * r.share_429),
              col(D, lambda r: 100 * r.share_429), False, 2),
             ("entities mismatched vs truth", col(P, lambda r: len(r.mismatches)),
              col(D, lambda r: len(r.mismatches)), False, 0)]
    print(f"\n=== scale {scale:g}: median (min) over {max(len(P), len(D))} run(s) ===")
    print(f"  {'':<40}{'project':>16}{'dlt':>16}{'project/dlt':>13}")
    for label, p, d, with_ratio, digits in rows:
        shown_ratio = ratio(p, d) if with_ratio else ""
        print(f"  {label:<40}{cell(p, digits):>16}{cell(d, digits):>16}{shown_ratio:>13}")
    noop = [r.noop.wall for r in P if r.noop]
    if noop:
        print(f"  {'no-op second sync wall s':<40}{cell(noop):>16}{'':>16}"
              f"{ratio(noop, col(P, lambda r: r.usage.wall)):>13} of the first pull")
        for s in SOURCES:
            print(f"  {'no-op second sync requests ' + s:<40}"
                  f"{cell(col(P, lambda r, s=s: r.noop_requests.get(s, nan)), 0):>16}")
    for run in runs:
        if run.usage.returncode or (run.noop and run.noop.returncode):
            print(f"  FAILED {run.tool} run (see its output above)")
    for run in runs:
        if run.mismatches:
            print(f"  MISMATCH {run.tool}: {', '.join(run.mismatches)}")
    if D and D[0].not_pulled:
        print(f"  dlt does not pull (not counted): {', '.join(D[0].not_pulled)}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4", help="comma-separated simulator scales")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=("project", "dlt"))
    parser.add_argument("--keep", type=Path, help="keep every run's outputs under this folder")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    order = [args.only] if args.only else ["project", "dlt"]
    python = tools.dlt_python() if "dlt" in order else Path()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    print(f"peer: {load()} at start; simulators seed {SEED}, now {now:%Y-%m-%dT%H:%MZ}, "
          f"time_scale {TIME_SCALE}, rate limits off", flush=True)
    for scale in scales:
        runs: list[Run] = []
        for repeat in range(1, args.repeats + 1):
            for tool in order:
                with tempfile.TemporaryDirectory(prefix="peer-") as scratch:
                    out = (args.keep / f"scale-{scale:g}" / f"{tool}-{repeat}" if args.keep
                           else Path(scratch))
                    out.mkdir(parents=True, exist_ok=True)
                    run = (run_project(scale, now, out) if tool == "project"
                           else run_dlt(python, scale, now, out))
                runs.append(run)
                print(f"scale {scale:g} #{repeat} {tool}: {describe(run)}", flush=True)
                if run.phases and repeat == 1:
                    print(f"    steps classified ingestion: {', '.join(run.phases.ingestion_steps)}"
                          f"\n    steps classified build: {', '.join(run.phases.build_steps)}")
        table(scale, runs)
    print(f"\npeer: {load()} at end")


if __name__ == "__main__":
    main()
