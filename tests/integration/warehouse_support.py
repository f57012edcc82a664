"""Helpers for warehouse tests: read the built warehouse the way an analyst does (read-only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from pipelines.demo import MART_TRUTH


def warehouse_path() -> Path:
    return Path(os.environ["WAREHOUSE_DIR"]) / "warehouse.duckdb"


def query(sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse_path()), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def expected_from_truth(sims) -> dict[str, set[str]]:
    """Conversation keys, turn keys and run ids that the marts must hold exactly."""
    truths = {platform: control.truth()["entities"] for platform, control in sims.items()}

    def keys(mart: str, prefix: bool) -> set[str]:
        return {f"{platform}:{i}" if prefix else str(i)
                for platform, entity in MART_TRUTH[mart] for i in truths[platform][entity]["ids"]}

    return {"conversations": keys("marts.fct_conversations", prefix=True),
            "turns": keys("marts.fct_transcript_turns", prefix=True),
            "runs": keys("marts.fct_algorithm_runs", prefix=False)}


def actual_in_warehouse() -> dict[str, set[str]]:
    return {
        "conversations": {r[0] for r in query(
            "select conversation_key from marts.fct_conversations")},
        "turns": {f"{r[0]}:{r[1]}" for r in query(
            "select conversation_key, turn_index from marts.fct_transcript_turns")},
        "runs": {str(r[0]) for r in query("select run_id from marts.fct_algorithm_runs")},
    }


READER = """
import json, select, sys, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
seen, queries, failures = set(), 0, 0
print("ready", flush=True)
while True:
    try:
        seen.add(conn.execute("select count(*) from marts.fct_conversations").fetchone()[0])
        conn.execute("select count(*) from marts.fct_transcript_turns").fetchone()
        queries += 1
    except Exception as exc:
        failures += 1
        print("failure", exc, file=sys.stderr, flush=True)
    if select.select([sys.stdin], [], [], 0.05)[0]:
        break
print(json.dumps({"counts_seen": sorted(seen), "queries": queries, "failures": failures}))
"""
