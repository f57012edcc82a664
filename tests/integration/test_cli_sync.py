"""`interview-warehouse sync`, as a user runs it: a real instance at DAGSTER_HOME, the sync job's
own executor, the warehouse built after ingestion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from tests.integration.ingest_support import ROOT, lake_query
from tests.integration.warehouse_support import query


def test_sync_command_lands_the_window_and_builds_the_warehouse(
        pipeline_env: dict[str, str], sims, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "dagster_home"
    env = {**os.environ, **pipeline_env, "DAGSTER_HOME": str(home)}
    # InterviewRelay wholly unset: skipped with a line, not failed.
    env = {k: v for k, v in env.items() if not k.startswith("INTERVIEWRELAY_")}
    done = subprocess.run(
        [Path(sys.executable).with_name("interview-warehouse"), "sync", "--start", "2026-10-02",
         "--end", "2026-11-01"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "succeeded" in done.stdout
    assert "interviewrelay: skipped, not configured" in done.stdout
    assert "concurrency" in (home / "dagster.yaml").read_text()  # the warehouse pool is limited

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["dagster/asset_partition_range_start"] == "2026-10-02"
    assert instance.get_latest_materialization_event(
        dg.AssetKey(["warehouse", "marts", "fct_conversations"])) is not None

    landed = lake_query("select count(distinct interview_id) from {lake}", "genway/interviews")
    jobs = lake_query("select count(distinct id) from {lake}", "gensail/jobs")
    assert query("select platform, count(*) from marts.fct_conversations group by all "
                 "order by all") == [("gensail", jobs[0][0]), ("genway", landed[0][0])]
