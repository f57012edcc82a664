"""`interview-warehouse demo`: the whole pipeline on the simulators, with no configuration.

Starts the three simulators (time compressed 60x, so the vendors' per-minute limits become
per-second ones), points the pipeline at them, syncs their whole history into `WAREHOUSE_DIR`
(default `./warehouse`) and the Dagster instance at `DAGSTER_HOME` (default `./dagster_home`),
prints what landed beside what the simulators hold, then what the warehouse's marts hold and
the answers to the analysts' saved questions.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines.analyses import print_answers, run_analyses
from pipelines.report import print_landed, print_sync
from pipelines.sandbox import SimulatorProcess
from pipelines.settings import warehouse_dir
from pipelines.sync import run_sync
from resources.lake import Lake
from resources.schemas import EntitySpec
from resources.sources import ALL_SPECS
from resources.warehouse import lake_path

# A landed entity is compared with the simulator's truth entity of the same name, but for the
# credit balance (one record, no id to compare) and session files (the truth holds the sessions
# with audio, `session_audio`, which the marts' tests compare with `fct_media`).
UNCOMPARED = {"interviewrelay/billing_credits", "interviewrelay/session_files"}


def compared(truths: dict[str, dict[str, Any]]) -> list[EntitySpec]:
    """The entities whose landed ids the simulators' truth can be compared with."""
    return [spec for spec in ALL_SPECS
            if spec.entity in truths[spec.source] and spec.name not in UNCOMPARED]


# mart -> the truth entities (source, entity) whose records it holds one row each of
MART_TRUTH = {
    "marts.fct_conversations": [("genway", "interviews"), ("interviewrelay", "sessions"),
                                ("gensail", "jobs")],
    "marts.fct_transcript_turns": [("genway", "transcript_turns"),
                                   ("interviewrelay", "transcript_turns"),
                                   ("gensail", "transcript_utterances")],
    "marts.fct_algorithm_runs": [("gensail", "algorithm_runs")],
}


def mart_counts(root: str) -> dict[str, int]:
    with duckdb.connect(str(Path(root) / "warehouse.duckdb"), read_only=True) as conn:
        return {mart: conn.execute(f"select count(*) from {mart}").fetchone()[0]
                for mart in MART_TRUTH}


def run_demo(scale: float = 1.0, seed: int = 1) -> int:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    print(f"demo: starting the simulators (seed {seed}, scale {scale}, now {now:%Y-%m-%d %H:%M}Z,"
          " time compressed 60x)", flush=True)
    with SimulatorProcess(seed=seed, scale=scale, now=now.isoformat(), time_scale=60) as sims:
        os.environ.update(sims.env)
        started = time.monotonic()
        outcome = run_sync(start=(now - timedelta(days=91)).date(), end=now.date(),
                           progress=True)
        print_sync(outcome)
        lake = Lake(warehouse_dir(), root=lake_path(os.environ.get("LAKE_URL"), warehouse_dir()))
        print(f"  took {time.monotonic() - started:.1f} s; lake at {lake.raw}")
        truths = {source: control.truth()["entities"] for source, control in sims.controls.items()}
        specs = compared(truths)
        matches = print_landed({s.name: len(lake.ids(s)) for s in specs},
                               {s.name: truths[s.source][s.entity]["count"] for s in specs})
        if outcome.success:
            print(f"  warehouse {Path(warehouse_dir()).resolve()}/warehouse.duckdb: rows per mart "
                  "/ records the APIs hold:")
            for mart, count in mart_counts(warehouse_dir()).items():
                expected = sum(truths[source][name]["count"] for source, name in MART_TRUTH[mart])
                matches &= count == expected
                print(f"    {mart:<34} {count:>7} / {expected}"
                      f"{'' if count == expected else '   MISMATCH'}")
            print_answers(run_analyses(Path(warehouse_dir())), limit=3)
    return 0 if outcome.success and matches else 1
