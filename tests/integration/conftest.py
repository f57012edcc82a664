"""Shared fixtures: the simulators run in a child process on free loopback ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines.sandbox import SimControl, SimulatorProcess

NOW = "2026-11-01T12:00:00Z"
TIME_SCALE = 60.0  # 50 requests per minute become 50 per second


@pytest.fixture(scope="session")
def simulators() -> Iterator[SimulatorProcess]:
    with SimulatorProcess(seed=7, scale=1.0, now=NOW, time_scale=TIME_SCALE,
                          hang_seconds=5.0) as process:
        yield process


@pytest.fixture
def sims(simulators: SimulatorProcess) -> dict[str, SimControl]:
    """Every simulator reset to seed 7, scale 1, `NOW`, faults off and stats cleared."""
    for control in simulators.controls.values():
        control.reset(seed=7, scale=1.0, now=NOW)
    return simulators.controls


@pytest.fixture
def sim_env(simulators: SimulatorProcess, sims: dict[str, SimControl]) -> dict[str, str]:
    """The `NAME=value` settings the simulators printed on start."""
    return dict(simulators.env)


@pytest.fixture
def pipeline_env(sim_env: dict[str, str], tmp_path, monkeypatch) -> dict[str, str]:
    """The pipeline pointed at the simulators, with its own warehouse and request budget."""
    env = {**sim_env, "WAREHOUSE_DIR": str(tmp_path / "warehouse"),
           "RATE_LIMIT_STATE_DIR": str(tmp_path / "budgets")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
