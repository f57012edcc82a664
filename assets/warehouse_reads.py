"""Dagster-side reads of the built warehouse, read-only through `DuckDBResource`: a summary asset
whose metadata shows per-platform counts, and checks that reconcile the marts with the lake."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.warehouse import WAREHOUSE_AUTOMATION
from resources import gensail, genway, interviewrelay
from resources.schemas import EntitySpec
from resources.warehouse import LakeResource

FCT_CONVERSATIONS = dg.AssetKey(["warehouse", "marts", "fct_conversations"])
FCT_ALGORITHM_RUNS = dg.AssetKey(["warehouse", "marts", "fct_algorithm_runs"])
CONVERSATION_ENTITIES = {"genway": genway.INTERVIEWS, "interviewrelay": interviewrelay.SESSIONS,
                         "gensail": gensail.JOBS}


AGG_PLATFORM_SUMMARY = dg.AssetKey(["warehouse", "marts", "agg_platform_summary"])


@dg.asset(key=["warehouse", "platform_summary"], group_name="warehouse", kinds={"duckdb"},
          deps=[AGG_PLATFORM_SUMMARY], automation_condition=WAREHOUSE_AUTOMATION)
def platform_summary(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Per platform, in the warehouse analysts query now: conversations, completed ones,
    transcript turns and algorithm runs (`marts.agg_platform_summary`), shown in the asset's
    metadata. Read-only."""
    with duckdb.get_connection() as conn:
        rows = conn.execute("""
            select platform, conversations, completed_conversations, transcript_turns,
                   algorithm_runs
            from marts.agg_platform_summary
            where conversations > 0
            order by platform
        """).fetchall()
    metadata: dict[str, int] = {}
    for platform, conversations, completed, turns, runs in rows:
        metadata |= {f"{platform}/conversations": conversations,
                     f"{platform}/completed": completed, f"{platform}/turns": turns}
        if runs:
            metadata[f"{platform}/algorithm_runs"] = runs
    metadata["dagster/row_count"] = sum(row[1] for row in rows)
    return dg.MaterializeResult(metadata=metadata)


def _lake_ids(conn, lake: LakeResource, spec: EntitySpec) -> int:
    scan = lake.lake().scan_sql(spec)
    return conn.execute(f"select count(distinct {spec.key}) from {scan}").fetchone()[0]


@dg.asset_check(asset=FCT_CONVERSATIONS, blocking=False)
def conversations_match_lake(duckdb: DuckDBResource, lake: LakeResource) -> dg.AssetCheckResult:
    """Every landed interview, session and job is one conversation, per platform."""
    with duckdb.get_connection() as conn:
        expected = {p: _lake_ids(conn, lake, s) for p, s in CONVERSATION_ENTITIES.items()}
        actual = dict(conn.execute(
            "select platform, count(*) from marts.fct_conversations group by all").fetchall())
    actual = {p: actual.get(p, 0) for p in expected}
    return dg.AssetCheckResult(passed=expected == actual, metadata={
        **{f"lake/{p}": n for p, n in expected.items()},
        **{f"mart/{p}": n for p, n in actual.items()}})


@dg.asset_check(asset=FCT_ALGORITHM_RUNS, blocking=False)
def algorithm_runs_match_lake(duckdb: DuckDBResource, lake: LakeResource
                              ) -> dg.AssetCheckResult:
    """Every landed algorithm run is one row of the mart."""
    with duckdb.get_connection() as conn:
        expected = _lake_ids(conn, lake, gensail.ALGORITHM_RUNS)
        actual = conn.execute("select count(*) from marts.fct_algorithm_runs").fetchone()[0]
    return dg.AssetCheckResult(passed=expected == actual,
                               metadata={"lake": expected, "mart": actual})


ASSETS = [platform_summary]
CHECKS = [conversations_match_lake, algorithm_runs_match_lake]
