"""The warehouse build's memory does not grow with the lake.

An InterviewRelay transcripts entity several times larger than DuckDB's memory limit (parsed,
larger still) builds within that limit, and the newest version of each transcript wins.
Ranking whole rows in `latest_version`, or a CTE that DuckDB materializes, held every parsed
transcript at once and failed this build with DuckDB's "Out of Memory".
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb

from assets.warehouse import DBT_DIR, DBT_EXECUTABLE

SESSIONS = 40_000
TURNS = 12  # messages and turns of about 230 bytes: 5.5 KB of JSON a transcript, 220 MB in all
REVISED = 8  # every 8th session also has an older version
DAYS = 92
MEMORY_LIMIT = "256MB"  # the default (dbt/profiles.yml)


def _write_transcripts(entity: Path) -> None:
    """Daily partitions in the lake's layout and types, as the landing writes them: every
    session's transcript, and for every `REVISED`th session an older version as well."""
    turn = ('{"timestamp": 1.5, "speaker": "participant", "sentiment": "neutral", "text": "'
            + "x" * 160 + '"}')
    message = ('{"role": "user", "created_at": "2026-11-02T10:00:00Z", "content": "'
               + "y" * 160 + '"}')
    transcript = (f"""'{{"messages": [' || repeat('{message},', {TURNS - 1}) || '{message}], """
                  f""""turns": [' || repeat('{turn},', {TURNS - 1}) || '{turn}]}}'""")
    empty = """'{"messages": [], "turns": []}'"""
    versions = {"newest": ("", "1 hour", transcript), "older": (f"where i % {REVISED} = 0",
                                                              "0 hours", empty)}
    entity.mkdir(parents=True)
    with duckdb.connect() as conn:
        for name, (where, newer, json) in versions.items():
            conn.execute(f"""
                copy (
                    select 's' || i as session_id,
                           day + interval 10 hour as started_at,
                           day + interval 11 hour as completed_at,
                           {json} as _raw_json,
                           'interviewrelay' as _source,
                           day + interval 12 hour + interval '{newer}' as _parent_version,
                           day + interval 13 hour + interval '{newer}' as _extracted_at,
                           'run-{name}' as _run_id,
                           strftime(day, '%Y-%m-%d') as date
                    from (select i, timestamptz '2026-08-01 00:00:00+00'
                                    + to_days(cast(i % {DAYS} as integer)) as day
                          from range({SESSIONS}) t(i))
                    {where}
                ) to '{entity}' (format parquet, partition_by (date), overwrite_or_ignore,
                                 filename_pattern '{name}_{{i}}')""")


def test_transcripts_larger_than_the_memory_limit_build_within_it(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    _write_transcripts(lake / "raw" / "interviewrelay" / "transcripts")
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "LAKE_DIR": str(lake), "DBT_DUCKDB_PATH": str(warehouse),
           "DUCKDB_MEMORY_LIMIT": MEMORY_LIMIT}
    done = subprocess.run(
        # its own tests too, but not its relationships: this lake has no sessions
        [DBT_EXECUTABLE, "build", "--quiet", "--select", "stg_interviewrelay__transcripts",
         "--exclude-resource-type", "unit_test", "--exclude", "test_name:relationships",
         "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
         "--target-path", str(tmp_path / "target")],
        env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows, newest, messages, turns = conn.execute(
            "select count(*), count(*) filter (parent_version = started_at + interval 3 hour), "
            "sum(len(messages)), sum(len(turns)) "
            "from staging.stg_interviewrelay__transcripts").fetchone()
    assert (rows, newest) == (SESSIONS, SESSIONS)
    assert messages == turns == SESSIONS * TURNS
