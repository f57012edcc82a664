"""The whole pipeline over time, through to the marts: a full-history sync, then the scheduled
run two days later while an analyst holds the warehouse open.

One scenario rather than several tests, because each step needs the state the previous one left
(and a full-history sync is the expensive part)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from pipelines.analyses import run_analyses
from pipelines.jobs import scheduled_window
from tests.integration.ingest_support import assert_lake_matches_truth, lake_query, materialize
from tests.integration.warehouse_support import (
    READER,
    actual_in_warehouse,
    expected_from_truth,
    query,
    warehouse_path,
)

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)  # the simulators' whole history at NOW
OPEN = {"scheduled", "in_progress"}


def assert_marts_match_truth(sims) -> None:
    assert actual_in_warehouse() == expected_from_truth(sims)
    assert query("select count(*) - count(distinct conversation_key) "
                 "from marts.fct_conversations") == [(0,)]


@pytest.mark.usefixtures("pipeline_env")
def test_full_sync_then_scheduled_run_two_days_later(sims) -> None:
    # 1. Full history: the lake and the marts hold exactly the truth; dbt tests and the lake
    #    reconciliation checks pass; the analysts' saved questions answer.
    first = materialize(FIRST, LAST, warehouse=True)
    checks = first.get_asset_check_evaluations()
    assert len(checks) > 100 and all(c.passed for c in checks), [
        c.check_name for c in checks if not c.passed]
    assert_marts_match_truth(sims)
    answers = run_analyses(warehouse_path().parent)
    assert len(answers) == 9 and all(a.rows for a in answers), [a.name for a in answers]
    weekly = next(a for a in answers if a.name == "weekly_completion_rate_by_platform")
    assert {row[weekly.columns.index("platform")] for row in weekly.rows} == {
        "genway", "gensail", "interviewrelay"}

    # 2. Two days pass without a run; the lookback (2 days) still covers LAST's tail. An analyst
    #    holds the warehouse open, querying, across the whole scheduled run.
    before = dict(query("select conversation_key, status from marts.fct_conversations"))
    lookback_start, _ = window = scheduled_window(LAST + timedelta(days=2), lookback_days=2)
    for control in sims.values():
        control.advance(2 * 24 * 60)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse_path())],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "ready"
    second = materialize(*window, warehouse=True)
    seen = json.loads(reader.communicate("stop\n", timeout=60)[0])
    assert second.success
    # The reader never failed and saw one consistent build: the one it had opened.
    assert seen["failures"] == 0 and seen["queries"] > 10
    assert seen["counts_seen"] == [len(before)]

    # 3. New and changed records landed, however old; a new reader sees the new build.
    assert_lake_matches_truth(sims)
    assert_marts_match_truth(sims)
    lake_status = {f"interviewrelay:{sid}": status for sid, status in lake_query(
        "select id, status from {lake}", "interviewrelay/sessions")}
    raw_status = dict(query("select conversation_key, raw_status from marts.fct_conversations"))
    assert all(raw_status[key] == status for key, status in lake_status.items())
    after = dict(query("select conversation_key, status from marts.fct_conversations"))
    created = dict(query("select conversation_key, created_at::date from marts.fct_conversations"))
    moved_on = [k for k, s in before.items() if s in OPEN and after[k] != s]
    assert any(created[k] < lookback_start for k in moved_on), \
        "a record older than the lookback should have changed and been re-checked"
