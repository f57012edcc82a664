"""The warehouse's automation sensor: rebuilds after ingestion that ran without it."""

from __future__ import annotations

import dagster as dg

# Running by default: it only ever rebuilds the local warehouse, and only after new data landed
# (a UI backfill of ingestion assets alone, say); it never calls a vendor API.
warehouse_automation = dg.AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=dg.AssetSelection.groups("warehouse"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Evaluates the warehouse assets' automation condition (eager, after ingestion "
                "finished) and launches the rebuild.",
)
