"""Helpers for ingestion tests: run the assets like the sync job does, read the lake back."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.reporting import asset_key
from pipelines.demo import UNCOMPARED
from pipelines.jobs import INGESTION, WAREHOUSE, WAREHOUSE_CHECKS, ingestion_keys, range_tags
from resources.lake import Lake
from resources.schemas import EntitySpec
from resources.sources import ALL_SPECS, SOURCES

ROOT = Path(__file__).resolve().parents[2]

# Landed entities the simulators' truth holds an entity of the same name for.
TRUTH = [spec.name for spec in ALL_SPECS if spec.name not in UNCOMPARED]


def materialize(first: date, last: date, sources: tuple[str, ...] = tuple(SOURCES),
                instance: dg.DagsterInstance | None = None, raise_on_error: bool = True,
                warehouse: bool = False) -> dg.ExecuteInProcessResult:
    """The sources' ingestion assets for a partition range; with `warehouse`, the dbt build,
    the summary and the lake reconciliation checks after them, like the sync job."""
    from pipelines.resources import build_resources  # reads the environment now

    selection = ingestion_keys(list(sources))
    assets = [*INGESTION, *WAREHOUSE, *WAREHOUSE_CHECKS]
    if warehouse:
        selection += [key for a in WAREHOUSE for key in a.keys]
    return dg.materialize(assets, resources=build_resources(), tags=range_tags(first, last),
                          instance=instance or dg.DagsterInstance.ephemeral(),
                          raise_on_error=raise_on_error, selection=selection)


def _spec(entity: str) -> EntitySpec:
    source, name = entity.split("/")
    return SOURCES[source].entity(name)


def lake_query(sql: str, entity: str) -> list[tuple[Any, ...]]:
    """Run `sql` with `{lake}` standing for the entity's landed rows."""
    scan = Lake(os.environ["WAREHOUSE_DIR"]).scan_sql(_spec(entity))
    return duckdb.execute(sql.format(lake=scan)).fetchall()


def landed_ids(entity: str) -> list[str]:
    """Ids landed (for a snapshot, in the latest snapshot), sorted."""
    return sorted(Lake(os.environ["WAREHOUSE_DIR"]).ids(_spec(entity)))


def assert_lake_matches_truth(sims) -> None:
    """Every entity's landed ids are exactly the ids the simulator says a full pull must land."""
    truths = {source: control.truth()["entities"] for source, control in sims.items()}
    for entity in TRUTH:
        source, name = entity.split("/")
        assert landed_ids(entity) == sorted(map(str, truths[source][name]["ids"])), entity


def metadata(result: dg.ExecuteInProcessResult, entity: str) -> dict[str, Any]:
    """The run's totals for an entity (`source/entity`): its observation (partitioned) or its
    materialization (snapshot)."""
    asset = asset_key(_spec(entity)).to_user_string()
    for event in result.all_events:
        data = event.event_specific_data
        found = getattr(data, "materialization", None) or getattr(data, "asset_observation", None)
        if (found is not None and found.asset_key.to_user_string() == asset
                and "requests" in found.metadata):
            return {k: getattr(v, "value", v) for k, v in found.metadata.items()}
    raise AssertionError(f"no totals reported for {entity} ({asset})")
