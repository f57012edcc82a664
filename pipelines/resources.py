"""Resource instances, configured from the environment through `dg.EnvVar`.

A variable that is not set is passed as None (not as an `EnvVar`, which would fail at load), so
each resource can tell "source not configured: skip" from "half-configured: fail".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.warehouse import dbt_cli
from pipelines.settings import warehouse_dir
from resources.sources import SOURCES
from resources.warehouse import DEFAULT_WAREHOUSE_DIR, WAREHOUSE_FILE, LakeResource


def env(name: str) -> dg.EnvVar | None:
    return dg.EnvVar(name) if os.environ.get(name) else None


def build_resources() -> dict[str, Any]:
    shared = env("PIPELINE_DATABASE_URL")
    sources = {name: source.resource(**{s.field: env(s.variable) for s in source.settings},
                                     database_url=shared)
               for name, source in SOURCES.items()}
    return {
        **sources,
        "lake": LakeResource(warehouse_dir=env("WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR,
                             lake_url=env("LAKE_URL"), database_url=shared),
        "dbt": dbt_cli(),
        # Dagster-side reads never take the write lock (DuckDBResource opens read-write unless
        # told otherwise).
        "duckdb": DuckDBResource(
            database=str(Path(warehouse_dir()).resolve() / WAREHOUSE_FILE),
            connection_config={"access_mode": "READ_ONLY"}),
    }
