"""The analysts' saved questions (`dbt/analyses/*.sql`), compiled by dbt and run read-only
against the warehouse: `interview-warehouse analyses`, and what the tests and benchmarks run."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from assets.warehouse import DBT_DIR, DBT_EXECUTABLE
from resources.warehouse import WAREHOUSE_FILE


@dataclass
class Answer:
    name: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    seconds: float


def compile_analyses(warehouse_dir: Path) -> dict[str, str]:
    """name -> SQL. dbt compiles against a scratch database, never the warehouse file (which
    it would lock); the scratch file has the warehouse's name, so compiled names resolve."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "WAREHOUSE_DIR": str(warehouse_dir.resolve()),
               "DBT_DUCKDB_PATH": str(Path(scratch) / WAREHOUSE_FILE)}
        target = Path(scratch) / "target"
        subprocess.run([DBT_EXECUTABLE, "compile", "--quiet", "--select", "path:analyses",
                        "--target-path", str(target), "--project-dir", str(DBT_DIR),
                        "--profiles-dir", str(DBT_DIR)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        compiled = target / "compiled" / "interview_warehouse" / "analyses"
        return {p.stem: p.read_text() for p in sorted(compiled.rglob("*.sql"))}


def run_analyses(warehouse_dir: Path) -> list[Answer]:
    answers = []
    queries = compile_analyses(warehouse_dir)
    with duckdb.connect(str(warehouse_dir / WAREHOUSE_FILE), read_only=True) as conn:
        for name, sql in queries.items():
            started = time.perf_counter()
            cursor = conn.execute(sql)
            rows = cursor.fetchall()
            columns = [d[0] for d in cursor.description]
            answers.append(Answer(name, columns, rows, time.perf_counter() - started))
    return answers


def print_answers(answers: list[Answer], limit: int = 5) -> None:
    for answer in answers:
        print(f"\n{answer.name} ({len(answer.rows)} rows, {answer.seconds * 1000:.1f} ms)")
        print("  " + " | ".join(answer.columns))
        for row in answer.rows[:limit]:
            print("  " + " | ".join(str(v) for v in row))


def print_query(warehouse_dir: Path, sql: str, limit: int = 50) -> None:
    """One query, read-only, printed as a table (what the duckdb CLI would show)."""
    with duckdb.connect(str(warehouse_dir / WAREHOUSE_FILE), read_only=True) as conn:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(limit + 1)
    print(" | ".join(columns))
    for row in rows[:limit]:
        print(" | ".join("" if v is None else str(v) for v in row))
    if len(rows) > limit:
        print(f"… (first {limit} rows)")
