"""A sync killed with SIGKILL in the middle of its warehouse build needs no person: the next
`sync` on the same instance finds the dead run, frees the pool slot it held, and finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from assets.warehouse import WAREHOUSE_POOL
from tests.integration.ingest_support import ROOT, assert_lake_matches_truth
from tests.integration.warehouse_support import actual_in_warehouse, expected_from_truth

NOW = "2026-11-01T12:00:00Z"
SYNC = [str(Path(sys.executable).with_name("interview-warehouse")), "sync",
        "--start", "2026-08-01", "--end", "2026-11-01"]


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_sigkill_during_the_build_does_not_block_the_next_sync(
        pipeline_env: dict[str, str], sims, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for control in sims.values():
        control.reset(seed=7, scale=0.1, now=NOW)
    home = tmp_path / "dagster_home"
    env = {**os.environ, **pipeline_env, "DAGSTER_HOME": str(home)}
    build = Path(pipeline_env["WAREHOUSE_DIR"]) / "build" / "warehouse.duckdb"
    victim = subprocess.Popen(SYNC, cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(build.exists, 300, "the warehouse build to start")
    time.sleep(1.0)  # dbt is running now
    os.killpg(victim.pid, signal.SIGKILL)  # the whole tree: the sync and its dbt
    victim.wait(timeout=30)

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        [dead] = instance.get_runs()
        assert dead.status == dg.DagsterRunStatus.STARTED  # nobody told the instance
        slots = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots
        assert [slot.run_id for slot in slots] == [dead.run_id]  # and the slot is still held

    started = time.monotonic()
    # The schedule's kind of sync: the lake is whole (the kill came during the build), so
    # only the warehouse is at stake.
    done = subprocess.run(SYNC[:2], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert time.monotonic() - started < 300

    with dg.DagsterInstance.get() as instance:
        runs = {run.run_id: run.status for run in instance.get_runs()}
        assert runs[dead.run_id] == dg.DagsterRunStatus.FAILURE
        assert list(runs.values()).count(dg.DagsterRunStatus.SUCCESS) == 1
        info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        assert info.claimed_slots == []
    assert not build.exists()  # the dead build's leftover was cleared, never swapped in
    assert_lake_matches_truth(sims)
    assert actual_in_warehouse() == expected_from_truth(sims)
