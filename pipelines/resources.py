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
from resources.gensail import GensailResource
from resources.genway import GenwayResource
from resources.interviewrelay import InterviewRelayResource
from resources.warehouse import DEFAULT_WAREHOUSE_DIR, WAREHOUSE_FILE, LakeResource

SOURCE_VARIABLES = {
    "genway": ("GENWAY_BASE_URL", "GENWAY_TENANTS", "GENWAY_REQUESTS_PER_MINUTE"),
    "gensail": ("GENSAIL_BASE_URL", "GENSAIL_API_TOKEN", "GENSAIL_REQUESTS_PER_MINUTE"),
    "interviewrelay": ("INTERVIEWRELAY_BASE_URL", "INTERVIEWRELAY_API_KEY",
                       "INTERVIEWRELAY_REQUESTS_PER_MINUTE"),
}


def env(name: str) -> dg.EnvVar | None:
    return dg.EnvVar(name) if os.environ.get(name) else None


def configured_sources() -> list[str]:
    """Sources with at least one variable set (a half-configured one fails at its first asset)."""
    return [source for source, names in SOURCE_VARIABLES.items()
            if any(os.environ.get(name) for name in names)]


def warehouse_dir() -> str:
    return os.environ.get("WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR


def build_resources() -> dict[str, Any]:
    gw, gs, ir = (SOURCE_VARIABLES[s] for s in ("genway", "gensail", "interviewrelay"))
    return {
        "genway": GenwayResource(base_url=env(gw[0]), tenants=env(gw[1]),
                                 requests_per_minute=env(gw[2])),
        "gensail": GensailResource(base_url=env(gs[0]), api_token=env(gs[1]),
                                   requests_per_minute=env(gs[2])),
        "interviewrelay": InterviewRelayResource(base_url=env(ir[0]), api_key=env(ir[1]),
                                                 requests_per_minute=env(ir[2])),
        "lake": LakeResource(warehouse_dir=env("WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR),
        "dbt": dbt_cli(),
        # Dagster-side reads never take the write lock (DuckDBResource opens read-write unless
        # told otherwise).
        "duckdb": DuckDBResource(
            database=str(Path(warehouse_dir()).resolve() / WAREHOUSE_FILE),
            connection_config={"access_mode": "READ_ONLY"}),
    }
