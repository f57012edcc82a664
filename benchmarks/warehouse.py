"""Warehouse benchmark: dbt build time and mart row counts at scales 1, 10 and 50, and the time
of the five saved analyst questions.

Run: `python3 dev.py bench warehouse [--scales 1 10 50]`.

Each scale is a real pull: the simulators generate the data set, the ingestion assets land their
whole history (time_scale 6000, so the vendors' limits do not dominate the figure we want), then
`dbt build` runs on its own into a scratch database and is timed, the marts are counted, and
each analysis is compiled by dbt and timed on a read-only connection.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from assets.warehouse import DBT_DIR, DBT_EXECUTABLE
from pipelines.analyses import run_analyses
from pipelines.demo import MART_TRUTH
from pipelines.sandbox import SimulatorProcess
from tests.ingest_support import materialize

NOW = "2026-11-01T12:00:00Z"
FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)
MARTS = [*MART_TRUTH, "marts.dim_projects", "marts.dim_campaigns", "marts.dim_algorithms",
         "marts.agg_daily_platform_metrics"]


def dbt_build(warehouse: Path) -> float:
    env = {**os.environ, "WAREHOUSE_DIR": str(warehouse),
           "DBT_DUCKDB_PATH": str(warehouse / "warehouse.duckdb")}
    started = time.perf_counter()
    subprocess.run([DBT_EXECUTABLE, "build", "--quiet", "--project-dir", str(DBT_DIR),
                    "--profiles-dir", str(DBT_DIR), "--target-path",
                    str(warehouse / "dbt-target")], check=True, env=env)
    return time.perf_counter() - started


def one_scale(scale: float) -> None:
    with SimulatorProcess(seed=1, scale=scale, now=NOW, time_scale=6000) as sims, \
            tempfile.TemporaryDirectory() as scratch:
        warehouse = Path(scratch) / "warehouse"
        os.environ.update(sims.env)
        os.environ["WAREHOUSE_DIR"] = str(warehouse)
        os.environ["RATE_LIMIT_STATE_DIR"] = str(Path(scratch) / "budgets")
        started = time.perf_counter()
        materialize(FIRST, LAST)
        ingest = time.perf_counter() - started
        build = dbt_build(warehouse)
        with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as conn:
            counts = {m: conn.execute(f"select count(*) from {m}").fetchone()[0] for m in MARTS}
        answers = run_analyses(warehouse)
    print(f"\nscale {scale:g}: ingestion {ingest:.1f} s, dbt build {build:.1f} s")
    for mart, count in counts.items():
        print(f"  {mart:<36} {count:>9}")
    for answer in answers:
        print(f"  analysis {answer.name:<40} {answer.seconds * 1000:>7.1f} ms "
              f"({len(answer.rows)} rows)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 50])
    for scale in parser.parse_args().scales:
        one_scale(scale)


if __name__ == "__main__":
    main()
