"""Listings that move while they are read lose nothing: a drifted listing is read again until
two reads agree, and one that never settles fails the run naming it, after which the next
scheduled run lands what it missed, whatever its day."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipelines.jobs import scheduled_window
from resources.ledger import Ledger
from tests.integration.ingest_support import (
    ROOT,
    assert_lake_matches_truth,
    landed_ids,
    materialize,
    metadata,
)
from tests.integration.proxy import proxy

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)  # the simulators' whole history at NOW
DRIFTING = ("gensail", "interviewrelay")  # the two paginated APIs


@pytest.mark.usefixtures("pipeline_env")
def test_full_sync_under_drift_lands_the_truth_and_so_does_the_next_scheduled_run(sims) -> None:
    for source in DRIFTING:
        sims[source].faults(page_shift=2)
    drifted = materialize(FIRST, LAST)
    assert drifted.success
    injected = sum(sims[s].stats()["faults_injected"].get("page_shift", 0) for s in DRIFTING)
    assert injected > 0  # records really were inserted behind the cursor
    for entity in ("gensail/jobs", "interviewrelay/sessions"):
        totals = metadata(drifted, entity)
        assert totals["drift_warnings"] > 0, entity
        assert totals["records_recovered"] > 0, entity  # what the first read missed
    assert_lake_matches_truth(sims)  # jobs, runs, sessions, transcripts: exactly the truth

    for control in sims.values():
        control.faults(page_shift=0)
        control.advance(2 * 24 * 60)
    materialize(*scheduled_window(LAST + timedelta(days=2), lookback_days=2))
    assert_lake_matches_truth(sims)


def _leave_out(victim: int):
    """A jobs listing that always leaves out `victim` and one more record, a different one at
    every request: no two reads ever agree."""
    calls = {"n": 0}

    def rewrite(path: str, body):
        parts = urlsplit(path)
        if parts.path != "/api/v1/jobs" or not isinstance(body, dict):
            return body
        calls["n"] += 1
        jobs = [job for job in body["jobs"] if job["id"] != victim]
        if jobs and "page" in parse_qs(parts.query):
            jobs.pop(calls["n"] % len(jobs))
        return {**body, "jobs": jobs}

    return rewrite


def test_a_listing_that_never_settles_fails_naming_it_then_the_next_run_lands_the_rest(
        pipeline_env: dict[str, str], sims, tmp_path: Path) -> None:
    now = "2026-11-01T12:00:00Z"
    sims["gensail"].reset(seed=7, scale=0.2, now=now)
    victim = int(sims["gensail"].truth()["entities"]["jobs"]["ids"][0])  # an early job
    env = {**os.environ, **pipeline_env, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    command = [str(Path(sys.executable).with_name("interview-warehouse")), "sync",
               "--sources", "gensail"]
    with proxy(pipeline_env["GENSAIL_BASE_URL"], _leave_out(victim)) as hostile:
        done = subprocess.run([*command, "--start", FIRST.isoformat(), "--end", LAST.isoformat()],
                              env={**env, "GENSAIL_BASE_URL": hostile}, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr[-3000:]
    # The run failed, naming the entity and the window it could not pin down, in the table…
    assert "FAILED lake/gensail__jobs: /api/v1/jobs (created_after=2026-08-01" in done.stdout
    assert "kept changing while it was read" in done.stdout
    # …and the warehouse was still built over what landed.
    assert "warehouse: built over what landed" in done.stdout
    assert str(victim) not in landed_ids("gensail/jobs")
    ledger = Ledger(Path(pipeline_env["WAREHOUSE_DIR"]) / "state" / "ledger.sqlite")
    assert ledger.repairs("gensail/jobs")  # remembered for the next run

    sims["gensail"].advance(2 * 24 * 60)
    first, last = scheduled_window(LAST + timedelta(days=2), lookback_days=2)
    done = subprocess.run([*command, "--start", first.isoformat(), "--end", last.isoformat()],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    truth = sims["gensail"].truth()["entities"]
    for entity in ("jobs", "algorithm_runs"):
        assert landed_ids(f"gensail/{entity}") == sorted(map(str, truth[entity]["ids"])), entity
    assert ledger.repairs("gensail/jobs") == []
