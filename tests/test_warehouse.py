"""The warehouse after a sync: exactly the truth, tests passing, current after a change."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from pipelines.analyses import run_analyses
from pipelines.jobs import scheduled_window
from tests.ingest_support import lake_query, materialize
from tests.warehouse_support import (
    READER,
    actual_in_warehouse,
    expected_from_truth,
    query,
    warehouse_path,
)

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)
OPEN = {"scheduled", "in_progress"}


@pytest.mark.usefixtures("pipeline_env")
def test_marts_hold_exactly_the_truth_stay_current_and_never_block_a_reader(sims) -> None:
    result = materialize(FIRST, LAST, warehouse=True)
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]
    assert actual_in_warehouse() == expected_from_truth(sims)
    assert query("select count(*) - count(distinct conversation_key) "
                 "from marts.fct_conversations") == [(0,)]

    before = dict(query("select conversation_key, status from marts.fct_conversations"))
    for control in sims.values():
        control.advance(2 * 24 * 60)
    # An analyst holds the warehouse open, querying, across the whole next run.
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse_path())],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "ready"
    second = materialize(*scheduled_window(LAST + timedelta(days=2), lookback_days=2),
                         warehouse=True)
    seen = json.loads(reader.communicate("stop\n", timeout=60)[0])
    assert second.success
    # It queried throughout without a failure, and saw one consistent build (the one it opened).
    assert seen["failures"] == 0 and seen["queries"] > 10
    assert seen["counts_seen"] == [len(before)]
    assert actual_in_warehouse() == expected_from_truth(sims)  # a new reader sees the new build
    raw_after = dict(query("select conversation_key, raw_status from marts.fct_conversations"))
    lake = {f"interviewrelay:{sid}": status for sid, status in lake_query(
        "select id, status from {lake}", "interviewrelay/sessions")}
    assert all(raw_after[key] == status for key, status in lake.items())  # statuses are current
    after = dict(query("select conversation_key, status from marts.fct_conversations"))
    changed = [k for k, s in before.items() if s in OPEN and after[k] != s]
    assert changed, "some open conversations should have moved on in two days"


@pytest.mark.usefixtures("pipeline_env")
def test_saved_analyst_questions_compile_and_answer(sims, tmp_path) -> None:
    materialize(date(2026, 10, 1), LAST, warehouse=True)
    answers = run_analyses(warehouse_path().parent)
    assert len(answers) == 5
    for answer in answers:
        assert answer.rows, f"{answer.name} answered nothing"
    weekly = next(a for a in answers if a.name == "weekly_completion_rate_by_platform")
    platforms = {row[weekly.columns.index("platform")] for row in weekly.rows}
    assert platforms == {"genway", "gensail", "interviewrelay"}
