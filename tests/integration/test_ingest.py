"""Ingestion against the simulators over real HTTP: exactly the truth, and idempotent.

What a later scheduled run brings (new and changed records, also older than the lookback) is
checked in `test_warehouse.py`, which runs that scenario through to the marts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.integration.ingest_support import (
    TRUTH,
    assert_lake_matches_truth,
    lake_query,
    landed_ids,
    materialize,
    metadata,
)

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)  # the simulators' whole history at NOW


@pytest.mark.usefixtures("pipeline_env")
def test_full_history_lands_exactly_the_truth_and_reruns_change_nothing(sims) -> None:
    first = materialize(FIRST, LAST)
    assert_lake_matches_truth(sims)
    # Each partition's materialization is that partition's own: its rows and bytes are its
    # file's, and what it landed is counted (never `records: 0` beside rows inserted).
    partitions = 0
    for event in first.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        md = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
        if mat.partition is None or "path" not in md:
            continue
        partitions += 1
        path = Path(md["path"])
        assert md["dagster/row_count"] == pq.read_metadata(path).num_rows, path
        assert md["bytes"] == path.stat().st_size, path
        assert md["records"] == md["rows_inserted"] + md["rows_updated"] + md["rows_unchanged"]
        assert md["rows_inserted"] == md["dagster/row_count"], path  # a first pull
    assert partitions > 900
    for entity in TRUTH:
        totals = metadata(first, entity)
        assert totals["records"] >= totals["rows_inserted"] > 0, (entity, totals)
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
