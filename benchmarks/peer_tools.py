"""The two contestants of `peer.py`: how each is installed, configured, run and checked.

- dlt lives in its own virtualenv (it needs `duckdb<2` and an older sqlglot, which conflict with
  the project's pins), made here with pip from exact pins and reused while the pins match.
- The project runs as a user runs it, `interview-warehouse sync`, with fresh state directories;
  its Dagster instance is read afterwards to split the run into start-up, ingestion and build.
- Both are checked against the simulators' truth: distinct ids per entity in what they wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.demo import compared
from pipelines.sandbox import SimulatorProcess
from resources.lake import Lake
from resources.sources import ALL_SPECS

ROOT = Path(__file__).resolve().parents[1]
DLT_VENV = ROOT / ".bench" / "dlt-venv"  # gitignored
DLT_PINS = ("dlt[parquet,filesystem]==1.31.0", "pyarrow==26.0.1", "sqlglot==30.21.0",
            "fsspec==2026.9.0", "requests==2.34.2")
UNLIMITED = 10**9  # requests per minute: rate limits off on both sides
BUILD_MARKERS = ("warehouse", "dbt")


def dlt_python(venv: Path = DLT_VENV) -> Path:
    """The dlt virtualenv's python, (re)made when missing or installed from other pins."""
    python, stamp = venv / "bin" / "python", venv / ".pins"
    wanted = "\n".join(DLT_PINS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"peer: creating the dlt virtualenv {venv} ({', '.join(DLT_PINS)})", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *DLT_PINS],
                         capture_output=True, text=True)
    if pip.returncode:
        sys.exit(f"peer: installing dlt failed:\n{pip.stdout}{pip.stderr}")
    # pip writes bytecode at install; this machine sets PYTHONDONTWRITEBYTECODE, so make sure.
    subprocess.run([str(python), "-m", "compileall", "-q", str(venv / "lib")], check=True)
    stamp.write_text(wanted)
    return python


def dlt_command(python: Path, sims: SimulatorProcess, out: Path) -> list[str]:
    """The peer's command line; writes its connection file (URLs and credentials) into `out`."""
    env = sims.env
    tenants = [dict(zip(("tenant_id", "api_key"), t.split(":", 1), strict=True))
               for t in env["GENWAY_TENANTS"].split(",")]
    conn = {"genway": {"base_url": env["GENWAY_BASE_URL"], "tenants": tenants},
            "gensail": {"base_url": env["GENSAIL_BASE_URL"], "token": env["GENSAIL_API_TOKEN"]},
            "interviewrelay": {"base_url": env["INTERVIEWRELAY_BASE_URL"],
                               "api_key": env["INTERVIEWRELAY_API_KEY"]}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "conn.json").write_text(json.dumps(conn))
    return [str(python), str(ROOT / "benchmarks" / "peer_dlt.py"), "--conn",
            str(out / "conn.json"), "--out", str(out)]


def dlt_timings(log: Path) -> str:
    """The steps' seconds from the JSON line `peer_dlt.py` prints last."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line[:1] == "{"]
    if not lines:
        return ""
    timings = json.loads(lines[-1]).get("timings_s", {})
    return "dlt steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())


def dlt_env() -> dict[str, str]:
    # Telemetry would post to a host this machine cannot reach; not a cost of the pull itself.
    return {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"}


def project_env(sims: SimulatorProcess, out: Path, start: str) -> dict[str, str]:
    """Fresh state, limits off, partitions from the simulators' first day (as a user sets
    `INGEST_START_DATE` to the day their vendors' data begins)."""
    env = {**os.environ, **sims.env, "WAREHOUSE_DIR": str(out / "warehouse"),
           "DAGSTER_HOME": str(out / "dagster_home"), "RATE_LIMIT_STATE_DIR": str(out / "budgets"),
           "INGEST_START_DATE": start}
    for name in sims.env:
        if name.endswith("_REQUESTS_PER_MINUTE"):
            env[name] = str(UNLIMITED)
    return env


def project_command(start: str, end: str) -> list[str]:
    return [str(Path(sys.executable).parent / "interview-warehouse"), "sync", "--start", start,
            "--end", end]


@dataclass
class Phases:
    """Seconds from the command's launch, read from the Dagster run's events."""

    run_start: float = float("nan")
    first_step: float = float("nan")
    ingestion_end: float = float("nan")
    end: float = float("nan")
    ingestion_steps: list[str] = field(default_factory=list)
    build_steps: list[str] = field(default_factory=list)


def is_build_step(step: str, asset_keys: set[str]) -> bool:
    """Build if it materializes (or checks) an asset under `warehouse`; by its name otherwise."""
    if asset_keys:
        return any(key.startswith(BUILD_MARKERS) for key in asset_keys)
    return any(marker in step for marker in BUILD_MARKERS)


def dagster_phases(home: Path, launched: float) -> Phases:
    """Start-up and ingestion of the newest run in the instance at `home`."""
    kinds = dg.DagsterEventType
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        runs = instance.get_runs(limit=1)
        if not runs:
            return Phases()
        records = instance.all_logs(runs[0].run_id)
    finally:
        instance.dispose()
    assets: dict[str, set[str]] = {}
    starts, ends, phases = [], {}, Phases()
    for record in records:
        event = record.dagster_event
        if event is None:
            continue
        at = record.timestamp - launched
        step = record.step_key
        if step:
            assets.setdefault(step, set())
        if event.event_type == kinds.RUN_START:
            phases.run_start = at
        elif event.event_type in (kinds.RUN_SUCCESS, kinds.RUN_FAILURE):
            phases.end = at
        elif event.event_type == kinds.STEP_START:
            starts.append(at)
        elif event.event_type in (kinds.STEP_SUCCESS, kinds.STEP_FAILURE) and step:
            ends[step] = at
        elif event.event_type == kinds.ASSET_MATERIALIZATION and step:
            assets[step].add(event.asset_key.to_user_string())
        elif event.event_type == kinds.ASSET_CHECK_EVALUATION and step:
            assets[step].add(event.event_specific_data.asset_key.to_user_string())
    for step, keys in sorted(assets.items()):
        (phases.build_steps if is_build_step(step, keys) else phases.ingestion_steps).append(step)
    phases.first_step = min(starts, default=float("nan"))
    phases.ingestion_end = max((ends[s] for s in phases.ingestion_steps if s in ends),
                               default=float("nan"))
    return phases


def truth_counts(sims: SimulatorProcess) -> dict[str, int]:
    truths = {source: control.truth()["entities"] for source, control in sims.controls.items()}
    return {s.name: truths[s.source][s.entity]["count"] for s in compared(truths)}


def project_counts(out: Path, entities: list[str]) -> dict[str, int | None]:
    lake = Lake(out / "warehouse")
    return {e: len(lake.ids(spec)) for spec in ALL_SPECS if (e := spec.name) in entities}


def dlt_counts(out: Path, entities: list[str]) -> dict[str, int | None]:
    """Distinct ids per entity in dlt's Parquet tables (`<source>_<entity>`); None: not pulled."""
    counts: dict[str, int | None] = {}
    for spec in (s for s in ALL_SPECS if s.name in entities):
        entity = spec.name
        table = out / "lake" / "lake" / entity.replace("/", "_")
        if not any(table.glob("*.parquet")):
            counts[entity] = None
            continue
        counts[entity] = duckdb.execute(
            f"select count(distinct {spec.key}) "
            f"from read_parquet('{table}/*.parquet', union_by_name = true)").fetchone()[0]
    return counts


def mismatches(landed: dict[str, int | None], truth: dict[str, int]) -> list[str]:
    """'entity landed/truth' for each entity that was pulled and differs from the truth."""
    return [f"{e} {n}/{truth[e]}" for e, n in landed.items() if n is not None and n != truth[e]]
