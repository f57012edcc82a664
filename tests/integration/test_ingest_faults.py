"""A hostile API still lands what a clean one does: 5xx, dropped connections, truncated JSON,
schema drift and a server-side limit below the budget. (Pagination drift: `test_drift.py`.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.integration.ingest_support import TRUTH, landed_ids, materialize, metadata

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
