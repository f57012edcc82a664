"""Where things live and whether the settings can work, without importing the code location:
`sync` checks its settings (and fails in seconds) before the heavy imports of a run."""

from __future__ import annotations

import os
from pathlib import Path

from resources.preflight import check_directory, check_sources
from resources.sources import SOURCES
from resources.warehouse import DEFAULT_WAREHOUSE_DIR

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
    """One line per problem: the directories first (no request is worth making if they are
    wrong), then one cheap request per source."""
    problems = [p for p in (check_directory("WAREHOUSE_DIR", warehouse_dir()),
                            check_directory("DAGSTER_HOME", str(dagster_home()))) if p]
    if problems:
        return problems
    return check_sources([SOURCES[name].from_environment() for name in sources])
