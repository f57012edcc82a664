"""The code location loads, and its wiring is what the README says."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import dagster as dg
import pytest

from assets.warehouse import WAREHOUSE_POOL, warehouse_models
from pipelines.definitions import defs
from pipelines.jobs import RANGE_END, RANGE_START
from pipelines.schedules import hourly_sync


def test_definitions_load_with_every_asset_job_and_schedule() -> None:
    repo = defs.get_repository_def()
    keys = {key.to_user_string() for key in repo.asset_graph.get_all_asset_keys()}
    for source, entities in {
        "genway": ["projects", "interviews", "transcripts", "summaries"],
        "gensail": ["jobs", "algorithm_runs", "algorithms", "feedback", "algorithm_stats"],
        "interviewrelay": ["projects", "campaigns", "sessions", "transcripts", "billing_credits"],
    }.items():
        assert {f"lake/{source}__{e}" for e in entities} <= keys
    assert {"warehouse/marts/fct_conversations", "warehouse/platform_summary"} <= keys
    # Lineage from API to mart: the staging model reads the ingestion asset.
    staging = repo.asset_graph.get(dg.AssetKey(["warehouse", "staging", "stg_genway__interviews"]))
    assert dg.AssetKey(["lake", "genway__interviews"]) in staging.parent_keys
    checks = {key.name for key in repo.asset_graph.asset_check_keys}
    assert "conversations_match_lake" in checks
    assert any(name.startswith("unique_") for name in checks)  # dbt tests as asset checks
    assert defs.resolve_job_def("sync_job") is not None
    assert defs.resolve_sensor_def("warehouse_automation") is not None
    assert warehouse_models.op.pool == WAREHOUSE_POOL  # one dbt build writes at a time
    assert defs.resolve_schedule_def("hourly_sync").cron_schedule == "0 * * * *"


def test_schedule_requests_latest_partitions_plus_lookback(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("GENSAIL_API_TOKEN", "not-used")
    monkeypatch.setenv("INGEST_LOOKBACK_DAYS", "3")
    for name in ("GENWAY_TENANTS", "GENWAY_BASE_URL", "INTERVIEWRELAY_API_KEY",
                 "INTERVIEWRELAY_BASE_URL", "GENWAY_REQUESTS_PER_MINUTE",
                 "INTERVIEWRELAY_REQUESTS_PER_MINUTE"):
        monkeypatch.delenv(name, raising=False)
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 5, 7, 0, tzinfo=UTC))
    request = hourly_sync(context)
    assert isinstance(request, dg.RunRequest)
    assert request.tags[RANGE_START] == "2026-11-02" and request.tags[RANGE_END] == "2026-11-05"
    selected = {key.to_user_string() for key in request.asset_selection}
    landed = {key.split("/")[1].split("__")[0] for key in selected if key.startswith("lake/")}
    assert landed == {"gensail"}  # the configured source, then the warehouse
    assert "warehouse/marts/fct_conversations" in selected
    assert request.run_key == "2026-11-05T07"


def test_schedule_skips_when_nothing_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith(("GENWAY_", "GENSAIL_", "INTERVIEWRELAY_"))]:
        monkeypatch.delenv(name)
    result = hourly_sync(dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 5, 7, 0, tzinfo=UTC)))
    assert isinstance(result, dg.SkipReason)


def test_ingestion_outside_the_sync_job_triggers_a_warehouse_rebuild() -> None:
    """A UI backfill of ingestion assets alone is followed by the warehouse (automation)."""
    instance = dg.DagsterInstance.ephemeral()
    selection = dg.AssetSelection.groups("warehouse")
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                              asset_selection=selection)
    assert first.total_requested == 0  # nothing landed yet: nothing to build
    instance.report_runless_asset_event(dg.AssetMaterialization(
        asset_key=["lake", "genway__interviews"], partition="2026-11-01"))
    second = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                               asset_selection=selection, cursor=first.cursor)
    for model in (["staging", "stg_genway__interviews"], ["marts", "fct_conversations"]):
        assert second.get_num_requested(dg.AssetKey(["warehouse", *model])) == 1, model
