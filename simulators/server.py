"""`interview-warehouse simulate`: serve the three simulated APIs on loopback.

All three run in one process and one event loop. On start the command prints, one `NAME=value`
line each, the settings that point the pipeline at them, then `READY`, and it stops cleanly on
SIGINT or SIGTERM.
"""

from __future__ import annotations

from typing import Any

from simulators.core import cli
from simulators.core.simulator import Simulator
from simulators.gensail.app import GensailSimulator
from simulators.genway.app import GenwaySimulator
from simulators.interviewrelay.app import InterviewRelaySimulator

# The one place that names every vendor; `benchmarks/simulators.py` imports it too.
SIMULATORS: dict[str, type[Simulator[Any, Any]]] = {
    "genway": GenwaySimulator,
    "gensail": GensailSimulator,
    "interviewrelay": InterviewRelaySimulator,
}


def main(argv: list[str] | None = None) -> None:
    cli.main(SIMULATORS, __doc__, argv)
