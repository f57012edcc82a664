"""Ingestion against the simulators over real HTTP: exactly the truth, idempotent, incremental."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipelines.jobs import scheduled_window
from tests.ingest_support import TRUTH, lake_query, landed_ids, materialize, metadata

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)  # the simulators' whole history at NOW


def assert_lake_matches_truth(sims) -> None:
    truths = {source: control.truth()["entities"] for source, control in sims.items()}
    for entity, (source, name) in TRUTH.items():
        expected = truths[source][name]["ids"]
        assert landed_ids(entity) == sorted(map(str, expected)), entity


@pytest.mark.usefixtures("pipeline_env")
def test_full_history_lands_exactly_the_truth_and_reruns_change_nothing(sims) -> None:
    first = materialize(FIRST, LAST)
    assert_lake_matches_truth(sims)
    assert lake_query("select count(*) - count(distinct id) from {lake}",
                      "gensail/jobs") == [(0,)]
    files_before = lake_query("select distinct filename, _run_id from {lake} order by all",
                              "genway/interviews")

    again = materialize(FIRST, LAST)
    assert_lake_matches_truth(sims)
    for entity in TRUTH:
        if entity.split("/")[1] in {"projects", "campaigns", "algorithms", "algorithm_stats"}:
            continue  # snapshots are re-taken by design
        md = metadata(again, entity)
        assert md["rows_inserted"] == 0 and md["rows_updated"] == 0, (entity, md)
    assert lake_query("select distinct filename, _run_id from {lake} order by all",
                      "genway/interviews") == files_before
    # A re-run asks only what it must: no transcript or summary of a landed, final interview.
    assert metadata(again, "genway/transcripts")["requests"] == 0
    assert metadata(again, "genway/summaries")["requests"] == 0
    fetched = metadata(first, "genway/transcripts")["requests"]
    assert fetched >= len(landed_ids("genway/transcripts"))


@pytest.mark.usefixtures("pipeline_env")
def test_scheduled_window_after_advance_lands_new_and_changed_records(sims) -> None:
    materialize(FIRST, LAST)
    open_before = dict(lake_query(
        "select id, status from {lake} where status = 'in_progress'", "interviewrelay/sessions"))
    # Two days pass without a run: the lookback (2 days) still covers the tail of LAST.
    for control in sims.values():
        control.advance(2 * 24 * 60)
    first, last = scheduled_window(LAST + timedelta(days=2), lookback_days=2)
    materialize(first, last)
    assert_lake_matches_truth(sims)
    # A session older than the lookback that was still open has moved on, and the lake knows.
    now_status = dict(lake_query("select id, status from {lake}", "interviewrelay/sessions"))
    old_changed = [sid for sid in open_before if now_status[sid] != "in_progress"]
    assert old_changed, "the simulator should finish some sessions older than the lookback"
