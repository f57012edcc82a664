"""A hostile API still lands what a clean one does: 5xx, dropped connections, truncated JSON,
schema drift and a server-side limit below the budget; and pagination drift is reported and
caught up by the next run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.ingest_support import TRUTH, landed_ids, materialize, metadata

FIRST, LAST = date(2026, 10, 15), date(2026, 11, 1)
CLEAN = {"error_rate": 0.0, "drop_rate": 0.0, "malformed_rate": 0.0, "page_shift": 0,
         "schema_drift": False, "rate_limit_per_minute": None}
FAULTS = {"error_rate": 0.05, "drop_rate": 0.02, "malformed_rate": 0.03, "schema_drift": True,
          "retry_after_format": "http-date"}


def lake() -> dict[str, list[str]]:
    return {entity: landed_ids(entity) for entity in TRUTH}


def clean_lake(sims, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: date = FIRST
               ) -> dict[str, list[str]]:
    """What a run without faults lands for the window, in a warehouse of its own."""
    for control in sims.values():
        control.faults(**CLEAN)
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "clean"))
    materialize(first, LAST)
    return lake()


@pytest.mark.usefixtures("pipeline_env")
def test_transport_and_payload_faults_lose_nothing(sims, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for control in sims.values():
        control.faults(**FAULTS)
    # The server refuses beyond 40 per simulated minute while the budget plans for 50:
    # 429s with an HTTP-date Retry-After must be honoured, not fatal.
    sims["genway"].faults(**FAULTS, rate_limit_per_minute=40)
    result = materialize(FIRST, LAST)
    injected = {k for c in sims.values() for k in c.stats()["faults_injected"]}
    faulty = lake()
    assert injected >= {"error", "drop", "malformed", "schema_drift"}, injected
    assert metadata(result, "genway/interviews")["retries"] > 0
    clean = clean_lake(sims, tmp_path, monkeypatch)
    assert all(clean.values())
    assert faulty == clean


@pytest.mark.usefixtures("pipeline_env")
def test_pagination_drift_is_reported_and_caught_up_by_the_next_run(
        sims, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for source in ("gensail", "interviewrelay"):  # the two paginated APIs
        sims[source].faults(page_shift=2)
    first = date(2026, 9, 1)  # two months: both listings span several pages
    drifted = materialize(first, LAST)
    assert metadata(drifted, "interviewrelay/sessions")["drift_warnings"] > 0
    assert metadata(drifted, "gensail/jobs")["drift_warnings"] > 0
    for control in sims.values():
        control.faults(**CLEAN)
    materialize(first, LAST)  # the next run, same warehouse
    caught_up = lake()
    assert caught_up == clean_lake(sims, tmp_path, monkeypatch, first)
