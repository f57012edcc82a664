"""The request budget: honoured by one run, and shared by every process on the host."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from resources.genway import GenwayResource
from tests.integration.ingest_support import ROOT, lake_query, materialize


def test_small_budget_completes_with_all_data_and_no_429(
        pipeline_env: dict[str, str], sims, monkeypatch: pytest.MonkeyPatch) -> None:
    rpm = 600  # 10 per second: a fifth of what the simulator allows
    monkeypatch.setenv("GENWAY_REQUESTS_PER_MINUTE", str(rpm))
    first, last = date(2026, 10, 25), date(2026, 11, 1)
    started = time.monotonic()
    materialize(first, last, sources=("genway",))
    elapsed = time.monotonic() - started
    stats = sims["genway"].stats()
    assert stats["refused"] == 0
    # The limiter, not the server, set the pace: the run cannot be faster than the budget.
    assert elapsed >= (stats["requests"] - rpm / 60) / (rpm / 60)
    live = set(sims["genway"].truth()["entities"]["interviews"]["ids"])
    client = GenwayResource(base_url=pipeline_env["GENWAY_BASE_URL"],
                            tenants=pipeline_env["GENWAY_TENANTS"],
                            requests_per_minute="3000").client()
    listed = [item for tenant in client.tenants for item in client.list_interviews(tenant)]
    client.close()
    in_window = {item["interview_id"] for item in listed if item["interview_id"] in live
                 and first.isoformat() <= item["created_at"][:10] <= last.isoformat()}
    landed = {row[0] for row in lake_query("select interview_id from {lake}", "genway/interviews")}
    assert in_window and in_window <= landed


def test_two_processes_share_one_budget(pipeline_env: dict[str, str], sims) -> None:
    """Each process alone could use the whole limit; together they must not exceed it.

    The budget is set to 90 % of the server's limit: at time_scale 60 the server's window is one
    second, where a few milliseconds of thread-scheduling jitter between admission and arrival
    are a visible share (on a real, 60-second window they are not)."""
    windows = [("2026-08-01", "2026-09-15"), ("2026-09-16", "2026-11-01")]
    code = ("import sys; from datetime import date;"
            " from tests.integration.ingest_support import materialize;"
            " materialize(date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2]),"
            " sources=('genway',))")
    limit = float(pipeline_env["GENWAY_REQUESTS_PER_MINUTE"])
    env = {**os.environ, **pipeline_env, "GENWAY_REQUESTS_PER_MINUTE": str(limit * 0.9)}
    workers = [subprocess.Popen([sys.executable, "-c", code, *w], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for w in windows]
    errors = [w.communicate(timeout=300)[1] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], errors
    stats = sims["genway"].stats()
    assert stats["requests"] > 500  # enough to overrun the limit if the budget were not shared
    assert stats["refused"] == 0, stats
    landed = lake_query("select count(distinct interview_id) from {lake}", "genway/interviews")
    assert landed[0][0] == sims["genway"].truth()["entities"]["interviews"]["count"]


def test_rate_limit_state_lives_in_the_configured_directory(pipeline_env: dict[str, str]
                                                            ) -> None:
    materialize(date(2026, 11, 1), date(2026, 11, 1), sources=("gensail",))
    assert list(Path(pipeline_env["RATE_LIMIT_STATE_DIR"]).glob("gensail-*.budget.json"))
