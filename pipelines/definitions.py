"""The code location: every asset, check, resource, job, schedule and sensor, assembled
explicitly."""

from __future__ import annotations

import os

import dagster as dg

from pipelines.jobs import INGESTION, WAREHOUSE, WAREHOUSE_CHECKS, sync_job
from pipelines.memory import give_memory_back
from pipelines.resources import build_resources
from pipelines.runs import reap_orphaned_runs_sensor
from pipelines.schedules import hourly_sync, nightly_reconcile
from pipelines.sensors import warehouse_automation

# Every process that loads the code location runs steps (sync, run workers, code servers).
give_memory_back()
# One output's partition events are stored as one batch (`pipelines/event_log.py`).
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", "500")

defs = dg.Definitions(
    assets=[*INGESTION, *WAREHOUSE],
    asset_checks=WAREHOUSE_CHECKS,
    resources=build_resources(),
    jobs=[sync_job],
    schedules=[hourly_sync, nightly_reconcile],
    sensors=[warehouse_automation, reap_orphaned_runs_sensor],
    # Steps are I/O-bound and use threads inside: one process per run, not one per step.
    executor=dg.in_process_executor,
)
