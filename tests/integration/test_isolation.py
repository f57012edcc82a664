"""Failures stay in their lane: an unreadable lake file or an out-of-contract record keeps
nothing else out of the lake or the warehouse, and heals without a person."""

from __future__ import annotations

import json
from datetime import date, timedelta

import dagster as dg
import pyarrow.parquet as pq
import pytest

from pipelines.jobs import scheduled_window
from resources.genway import INTERVIEWS
from resources.lake import Lake
from resources.rejections import Rejections
from tests.integration.ingest_support import assert_lake_matches_truth, lake_query, materialize
from tests.integration.proxy import proxy
from tests.integration.warehouse_support import actual_in_warehouse, expected_from_truth, query

NOW = "2026-11-01T12:00:00Z"
FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)


def _small(sims, scale: float = 0.2) -> None:
    for control in sims.values():
        control.reset(seed=7, scale=scale, now=NOW)


def test_a_corrupt_partition_is_quarantined_refetched_and_the_rest_still_builds(
        pipeline_env: dict[str, str], sims) -> None:
    _small(sims)
    assert materialize(FIRST, LAST, warehouse=True).success
    lake = Lake(pipeline_env["WAREHOUSE_DIR"])
    day, path = next((d, p) for d, p in lake.partitions(INTERVIEWS)
                     if pq.read_metadata(p).num_rows > 0 and d < LAST - timedelta(days=10))
    lost = set(pq.read_table(path)["interview_id"].to_pylist())
    path.write_bytes(b"PAR1 this is not a parquet file any more")

    # Two days later, a run of the other sources only: the build must not trip over the file.
    for control in sims.values():
        control.advance(2 * 24 * 60)
    window = scheduled_window(LAST + timedelta(days=2), lookback_days=2)
    other = materialize(*window, sources=("gensail", "interviewrelay"), warehouse=True)
    assert other.success
    quarantined = list((lake.root / "_quarantine").rglob("*.parquet"))
    assert len(quarantined) == 1 and quarantined[0].read_bytes().startswith(b"PAR1 this")
    reason = json.loads(quarantined[0].with_suffix(".reason.json").read_text())
    assert reason["entity"] == "genway/interviews" and reason["partition"] == day.isoformat()
    marts = actual_in_warehouse()
    expected = expected_from_truth(sims)
    for platform in ("gensail", "interviewrelay"):  # refreshed, with the two new days
        assert {k for k in marts["conversations"] if k.startswith(platform)} == {
            k for k in expected["conversations"] if k.startswith(platform)}

    # The next genway run, whose window is far from that day, fetches it again.
    healed = materialize(*window, warehouse=True)
    assert healed.success
    assert lost <= {r[0] for r in lake_query("select interview_id from {lake}",
                                             "genway/interviews")}
    assert_lake_matches_truth(sims)
    assert actual_in_warehouse() == expected_from_truth(sims)


def _out_of_contract(victim: str):
    def rewrite(path: str, body):
        if path.startswith(f"/v1/interviews/{victim}") and path.count("/") == 3:
            return {**body, "duration_seconds": 12.5}
        return body

    return rewrite


def test_an_out_of_contract_record_is_rejected_alone(
        pipeline_env: dict[str, str], sims, monkeypatch: pytest.MonkeyPatch) -> None:
    _small(sims)
    victim = sims["genway"].truth()["entities"]["interviews"]["ids"][3]
    with proxy(pipeline_env["GENWAY_BASE_URL"], _out_of_contract(victim)) as hostile:
        monkeypatch.setenv("GENWAY_BASE_URL", hostile)
        result = materialize(FIRST, LAST, warehouse=True, raise_on_error=False)
    # The rest of its day, its entity, the transcripts and the warehouse all landed.
    assert result.success
    assert_lake_matches_truth(sims)
    assert actual_in_warehouse() == expected_from_truth(sims)
    assert lake_query(f"select duration_seconds from {{lake}} where interview_id = '{victim}'",
                      "genway/interviews") == [(None,)]
    assert query(f"select count(*) from marts.fct_conversations "
                 f"where conversation_key = 'genway:{victim}'") == [(1,)]
    # The record is kept raw with its error, and the entity's contract check fails.
    [row] = Rejections(Lake(pipeline_env["WAREHOUSE_DIR"])).read(INTERVIEWS).to_pylist()
    assert row["record_id"] == victim and row["field"] == "duration_seconds"
    assert "genway/interviews.duration_seconds" in row["error"] and "12.5" in row["value"]
    assert json.loads(row["_raw_json"])["duration_seconds"] == 12.5
    checks = {(c.asset_key.to_user_string(), c.check_name): c
              for c in result.get_asset_check_evaluations()}
    check = checks[("lake/genway__interviews", "records_match_contract")]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.metadata["rejected_records"].value == 1
    assert checks[("lake/genway__transcripts", "records_match_contract")].passed
