"""Where things live and whether the settings can work, without importing the code location:
`sync` checks its settings (and fails in seconds) before the heavy imports of a run."""

from __future__ import annotations

import os
from pathlib import Path

from resources.preflight import check_directory, check_sources
from resources.sources import SOURCES
from resources.warehouse import DEFAULT_WAREHOUSE_DIR, lake_path

DEFAULT_DAGSTER_HOME = "dagster_home"


def warehouse_dir() -> str:
    return os.environ.get("WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR


def dagster_home() -> Path:
    return Path(os.environ.setdefault("DAGSTER_HOME", str(Path(DEFAULT_DAGSTER_HOME).resolve())))


def configured_sources() -> list[str]:
    """Sources with a required setting set (a half-configured one fails at its first asset)."""
    return [name for name, source in SOURCES.items()
            if any(os.environ.get(s.variable) for s in source.settings if s.required)]


def check_settings(sources: list[str]) -> list[str]:
    """One line per problem: the directories and the shared state first (no request is worth
    making if they are wrong), then one cheap request per source."""
    problems = [p for p in (check_directory("WAREHOUSE_DIR", warehouse_dir()),
                            check_directory("DAGSTER_HOME", str(dagster_home())),
                            *check_shared_state()) if p]
    if problems:
        return problems
    return check_sources([SOURCES[name].from_environment() for name in sources])


def check_shared_state() -> list[str]:
    """`LAKE_URL`, `PIPELINE_DATABASE_URL` and `DAGSTER_POSTGRES_URL`, when set. Messages name
    the variable, never its value (a database URL holds a password)."""
    problems = []
    try:
        lake = lake_path(os.environ.get("LAKE_URL"), warehouse_dir())
    except ValueError as exc:
        problems.append(str(exc))
    else:
        url = os.environ.get("LAKE_URL") or ""
        if url.startswith("s3://"):
            problems.append(check_bucket(url, lake) or "")
        elif url:
            problems.append(check_directory("LAKE_URL", str(lake)) or "")
    dagster_url = os.environ.get("DAGSTER_POSTGRES_URL")
    if dagster_url and not dagster_url.startswith("postgresql+psycopg2://"):
        problems.append("DAGSTER_POSTGRES_URL must start with postgresql+psycopg2:// (with a bare "
                        "postgresql:// SQLAlchemy picks psycopg 3, which is not installed)")
    if url := os.environ.get("PIPELINE_DATABASE_URL"):
        from resources.postgres import Database, SharedStateError

        try:
            Database.get(url)
        except SharedStateError as exc:
            problems.append(str(exc))
    return [p for p in problems if p]


def check_bucket(url: str, mirror: Path) -> str | None:
    from resources.object_lake import ObjectMirror

    try:
        ObjectMirror(url, mirror).check()
    except OSError as exc:  # Arrow's errors name the bucket and the endpoint, not the keys
        return f"LAKE_URL: cannot list {url}: {str(exc).strip().splitlines()[0]}"
    return None
