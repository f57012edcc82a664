"""Helpers for warehouse tests: read the built warehouse the way an analyst does (read-only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

PLATFORM_TRUTH = {  # platform -> (conversation entity, turn entity) in the simulator's truth
    "genway": ("interviews", "transcript_turns"),
    "interviewrelay": ("sessions", "transcript_turns"),
    "gensail": ("jobs", "transcript_utterances"),
}


def warehouse_path() -> Path:
    return Path(os.environ["WAREHOUSE_DIR"]) / "warehouse.duckdb"


def query(sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse_path()), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def expected_from_truth(sims) -> dict[str, set[str]]:
    """Conversation keys, turn keys and run ids that the marts must hold exactly."""
    conversations, turns = set(), set()
    for platform, (entity, turn_entity) in PLATFORM_TRUTH.items():
        truth = sims[platform].truth()["entities"]
        conversations |= {f"{platform}:{i}" for i in truth[entity]["ids"]}
        turns |= {f"{platform}:{i}" for i in truth[turn_entity]["ids"]}
    runs = {str(i) for i in sims["gensail"].truth()["entities"]["algorithm_runs"]["ids"]}
    return {"conversations": conversations, "turns": turns, "runs": runs}


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
