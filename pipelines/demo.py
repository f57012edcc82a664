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

import duckdb

from pipelines.analyses import print_answers, run_analyses
from pipelines.report import print_landed, print_sync
from pipelines.sandbox import SimulatorProcess
from pipelines.settings import warehouse_dir
from pipelines.sync import run_sync

# lake entity -> (simulated source, truth entity)
TRUTH = {
    "genway/projects": ("genway", "projects"),
    "genway/interviews": ("genway", "interviews"),
    "genway/transcripts": ("genway", "transcripts"),
    "genway/summaries": ("genway", "summaries"),
    "gensail/jobs": ("gensail", "jobs"),
    "gensail/algorithm_runs": ("gensail", "algorithm_runs"),
    "gensail/algorithms": ("gensail", "algorithms"),
    "gensail/feedback": ("gensail", "feedback"),
    "gensail/algorithm_stats": ("gensail", "algorithm_stats"),
    "interviewrelay/projects": ("interviewrelay", "projects"),
    "interviewrelay/campaigns": ("interviewrelay", "campaigns"),
    "interviewrelay/sessions": ("interviewrelay", "sessions"),
    "interviewrelay/transcripts": ("interviewrelay", "transcripts"),
}
KEYS = {"genway/projects": "project_id", "genway/interviews": "interview_id",
        "genway/transcripts": "interview_id", "genway/summaries": "interview_id",
        "gensail/algorithm_stats": "algorithm_id", "interviewrelay/transcripts": "session_id",
        "interviewrelay/billing_credits": "updated_at"}


SNAPSHOTS = {"genway/projects", "gensail/algorithms", "gensail/algorithm_stats",
             "interviewrelay/projects", "interviewrelay/campaigns",
             "interviewrelay/billing_credits"}


def landed_scan(root: str, entity: str) -> str:
    """A DuckDB relation of an entity's landed rows (for snapshots, the latest snapshot)."""
    files = os.path.join(root, "lake", "raw", entity, "*", "*.parquet")
    scan = f"read_parquet('{files}', hive_partitioning = true, union_by_name = true)"
    if entity in SNAPSHOTS:
        scan = f"(select * from {scan} where date = (select max(date) from {scan}))"
    return scan


def lake_counts(root: str) -> dict[str, int]:
    """Distinct ids landed per entity (for snapshots, in the latest snapshot)."""
    counts = {}
    for entity in sorted({*TRUTH, *KEYS}):
        try:
            counts[entity] = duckdb.execute(
                f"select count(distinct {KEYS.get(entity, 'id')}) "
                f"from {landed_scan(root, entity)}").fetchone()[0]
        except duckdb.IOException:  # nothing landed yet
            counts[entity] = 0
    return counts


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
        outcome = run_sync(start=(now - timedelta(days=91)).date(), end=now.date())
        print_sync(outcome)
        print(f"  took {time.monotonic() - started:.1f} s; lake at {warehouse_dir()}/lake/raw")
        truths = {source: control.truth()["entities"] for source, control in sims.controls.items()}
        truth = {entity: truths[source][name]["count"] for entity, (source, name) in TRUTH.items()}
        matches = print_landed(lake_counts(warehouse_dir()), truth)
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
