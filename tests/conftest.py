"""Settings every test sees, set before anything imports the code location."""

from __future__ import annotations

import os

import pytest

# The simulators' history at the tests' NOW starts 2026-08-01; partitions must reach back that
# far. Inherited by the commands the tests start.
os.environ.setdefault("INGEST_START_DATE", "2026-07-01")

# The longest files first (measured here, slowest first), so that three workers finish
# together instead of one starting a three-minute file when the others are done.
LONGEST_FIRST = ("test_hosts.py", "test_ui_browser.py", "test_drift.py", "test_marts_outputs.py",
                 "test_crash.py", "test_isolation.py", "test_warehouse.py", "test_cli_sync.py",
                 "test_ingest.py", "test_ingest_budget.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order inside a file is kept
