"""`interview-warehouse ui` (`python3 dev.py ui`): the Dagster UI with everything it needs.

Starts the simulators at the current hour with the demo's history (seed 1, scale 1), unless the
real APIs are configured, then the Dagster webserver and daemon (`dagster dev`) on the demo's
instance (`./dagster_home`) and warehouse (`./warehouse`), with the pipeline's settings pointing
at the simulators. Prints the URL and stops everything on Ctrl-C. Backfills of recent days,
the schedules and the warehouse's automatic rebuild then work from the UI as they are.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx

from pipelines.sandbox import SimulatorProcess
from pipelines.settings import configured_sources, dagster_home, warehouse_dir
from pipelines.sync import instance

ROOT = Path(__file__).resolve().parent.parent
DAGSTER = Path(sys.executable).with_name("dagster")


def start_dagster(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`dagster dev` in a process group of its own (it ignores signals sent to it alone)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(
            [str(DAGSTER), "dev", "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1",
             "-p", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Dagster UI did not answer at {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_ui(port: int = 3000, scale: float = 1.0, seed: int = 1) -> int:
    env = dict(os.environ)
    env.setdefault("WAREHOUSE_DIR", str(Path(warehouse_dir()).resolve()))
    env["DAGSTER_HOME"] = str(dagster_home().resolve())
    # One planned event per asset for a backfill's range (not one per partition).
    env.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")
    instance()  # the instance's dagster.yaml: pools, run monitoring
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    with ExitStack() as stack:
        if configured_sources():
            print(f"ui: using the configured APIs ({', '.join(configured_sources())})")
        else:
            now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            sims = stack.enter_context(SimulatorProcess(seed=seed, scale=scale,
                                                        now=now.isoformat(), time_scale=60))
            env.update(sims.env)
            print(f"ui: simulators at {now:%Y-%m-%d %H:%M}Z (seed {seed}, scale {scale}, "
                  "time compressed 60x)")
        log = Path(env["DAGSTER_HOME"]) / "logs" / "dagster-dev.log"
        process = start_dagster(env, port, log)
        stack.callback(stop, process)
        url = f"http://127.0.0.1:{port}"
        wait_for(url, process)
        print(f"ui: Dagster at {url}  (instance {env['DAGSTER_HOME']}, warehouse "
              f"{env['WAREHOUSE_DIR']}, log {log}); Ctrl-C stops everything", flush=True)
        while not done.wait(1.0):
            if process.poll() is not None:
                print(f"ui: dagster dev exited ({process.returncode}); see {log}")
                return 1
    print("ui: stopped")
    return 0
