"""The vendors' outputs in the marts, and the incremental warehouse.

One scenario (a full-history sync is the expensive part, so there is one per module):

1. Full history through the warehouse: algorithm outputs, Genway summaries, media and the
   platform summary agree with what the lake holds; the saved analyses on the new marts answer.
2. Two days later, the scheduled run builds incrementally into the copy of the warehouse: every
   model equals a `--full-refresh` build of the same lake.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from assets.warehouse import DBT_DIR, DBT_EXECUTABLE
from pipelines.jobs import scheduled_window
from resources.report import CHARTS
from resources.warehouse import WAREHOUSE_FILE
from tests.integration.browser import artifact, chromium
from tests.integration.ingest_support import lake_query, materialize
from tests.integration.warehouse_support import query, warehouse_path

FIRST, LAST = date(2026, 8, 1), date(2026, 11, 1)  # the simulators' whole history at NOW
SCHEMAS = ("staging", "intermediate", "marts")
NEW_ANALYSES = "vendor_outputs"  # dbt/analyses/vendor_outputs/*.sql


# -- reading the lake the way the contract describes it ----------------------------------------

def latest_raw(entity: str, key: str, version: str | None = None) -> dict[str, dict[str, Any]]:
    """id -> the record (parsed `_raw_json`) of the newest landed version."""
    order = f"{version} desc nulls last, " if version else ""
    rows = lake_query(
        f"select {key}::varchar, _raw_json from {{lake}} "
        f"qualify row_number() over (partition by {key} "
        f"order by {order}_extracted_at desc, _run_id desc) = 1", entity)
    return {k: json.loads(raw) for k, raw in rows}


def expected_outputs(runs: dict[str, dict[str, Any]]) -> set[tuple[int, str, str]]:
    """(run id, JSON path, canonical JSON value) of every output field of every result."""
    found = set()
    for record in runs.values():
        result = record.get("result")
        if not isinstance(result, dict):
            continue
        for key, value in result.items():
            if key == "data" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        found |= {(record["id"], f"$.data[{index}].{k}", _canonical(v))
                                  for k, v in item.items()}
                    else:
                        found.add((record["id"], f"$.data[{index}]", _canonical(item)))
            else:
                found.add((record["id"], f"$.{key}", _canonical(value)))
    return found


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# -- dbt by hand, as the orchestrator runs it ------------------------------------------------

def dbt_build(build_file: Path, *args: str) -> None:
    env = {**os.environ, "DBT_DUCKDB_PATH": str(build_file)}
    done = subprocess.run(
        [DBT_EXECUTABLE, "build", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir",
         str(DBT_DIR), "--target-path", str(build_file.parent / "target"), *args],
        env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


def run_new_analyses(warehouse: Path, scratch: Path) -> dict[str, list[tuple[Any, ...]]]:
    env = {**os.environ, "DBT_DUCKDB_PATH": str(scratch / WAREHOUSE_FILE)}
    subprocess.run([DBT_EXECUTABLE, "compile", "--quiet", "--select",
                    f"path:analyses/{NEW_ANALYSES}", "--target-path", str(scratch / "target"),
                    "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    compiled = scratch / "target" / "compiled" / "interview_warehouse" / "analyses" / NEW_ANALYSES
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {p.stem: conn.execute(p.read_text()).fetchall()
                for p in sorted(compiled.glob("*.sql"))}


def model_differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Every table and view of the dbt schemas, compared row for row (`except all` both ways);
    doubles rounded to 9 decimals, as aggregates summed in another row order differ in the last
    bits. Empty when both files hold the same models with the same rows."""
    differences = {}
    with duckdb.connect() as conn:
        conn.execute(f"attach '{left}' as l (read_only)")
        conn.execute(f"attach '{right}' as r (read_only)")
        models = {}
        for catalog in ("l", "r"):
            models[catalog] = {(s, t): None for s, t in conn.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = ? "
                "union all select schema_name, view_name from duckdb_views() "
                "where database_name = ? and not internal", [catalog, catalog]).fetchall()
                if s in SCHEMAS}
        assert models["l"].keys() == models["r"].keys()
        for schema, name in sorted(models["l"]):
            columns = conn.execute(
                "select column_name, data_type from duckdb_columns() where database_name = 'l' "
                "and schema_name = ? and table_name = ? order by column_index",
                [schema, name]).fetchall()
            select = ", ".join(f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"'
                               for c, t in columns)
            only = [conn.execute(
                f"select count(*) from (select {select} from {a}.{schema}.{name} "
                f"except all select {select} from {b}.{schema}.{name})").fetchone()[0]
                for a, b in (("l", "r"), ("r", "l"))]
            if any(only):
                differences[f"{schema}.{name}"] = (only[0], only[1])
    return differences


# -- the scenario ------------------------------------------------------------------------------

@pytest.mark.usefixtures("pipeline_env")
def test_vendor_outputs_then_incremental_builds_equal_a_full_rebuild(sims, tmp_path: Path
                                                                     ) -> None:
    # 1. Full history.
    first = materialize(FIRST, LAST, warehouse=True)
    assert first.success

    # Algorithm outputs: one row per field of every landed result, values as sent.
    runs = latest_raw("gensail/algorithm_runs", "id", "_parent_version")
    outputs = {(run, path, _canonical(json.loads(value))) for run, path, value in query(
        "select run_id, output_path, output_json::varchar from marts.fct_algorithm_outputs")}
    assert outputs == expected_outputs(runs) and len(outputs) > 1000
    assert query("select count(*) from marts.fct_algorithm_runs where result is not null "
                 "and status <> 'completed'") == [(0,)]
    sentiments = dict(query("select run_id::varchar, call_sentiment from marts.fct_algorithm_runs "
                            "where call_sentiment is not null"))
    assert sentiments == {k: r["result"]["call_sentiment"] for k, r in runs.items()
                          if isinstance(r.get("result"), dict) and "call_sentiment" in r["result"]}

    # Genway summaries: the text, insights and generation time of the summary export.
    exported = latest_raw("genway/summaries", "interview_id", "_parent_version")
    summaries = {key: (text, insights) for key, text, insights in query(
        "select conversation_key, summary_text, key_insights from marts.fct_conversation_summaries "
        "where platform = 'genway'")}
    assert summaries == {f"genway:{i}": (s["summary"], s["key_insights"])
                         for i, s in exported.items() if s.get("summary", "").strip()}
    assert len(summaries) > 100
    gensail_summaries = dict(query(
        "select conversation_key, summary_text from marts.fct_conversation_summaries "
        "where platform = 'gensail'"))
    assert gensail_summaries and all(text for text in gensail_summaries.values())
    assert query("select count(*) from marts.fct_conversations where has_summary") == [
        (len(summaries) + len(gensail_summaries),)]

    # Media: every Genway interview with audio or video, every Gensail job with a recording.
    interviews = latest_raw("genway/interviews", "interview_id", "updated_at")
    jobs = latest_raw("gensail/jobs", "id", "updated_at")
    media = {(key, kind): (path, duration) for key, kind, path, duration in query(
        "select conversation_key, kind, fetch_path, duration_seconds from marts.fct_media "
        "where platform in ('genway', 'gensail')")}
    expected = {(f"genway:{i}", kind): (f"/interviews/{i}/{kind}-export", None)
                for i, r in interviews.items() for kind in ("audio", "video") if r[f"has_{kind}"]}
    expected |= {(f"gensail:{i}", "recording"): (f"/api/v1/jobs/{i}",
                                                 float(r["recording_duration"]))
                 for i, r in jobs.items() if r.get("recording_url")}
    assert media == expected and len(media) > 500

    # The Gensail call identity and job completion reach fct_conversations.
    calls = {key: rest for key, *rest in query(
        "select conversation_key, source_call_id, source_company_id, parent_job_id, skip_reason, "
        "ended_at from marts.fct_conversations where platform = 'gensail'")}
    assert calls == {f"gensail:{i}": [r["source_call_id"], r["source_company_id"],
                                      r["parent_job_id"], r["skip_reason"],
                                      _timestamp(r["completed_at"])] for i, r in jobs.items()}

    # One row per platform, the counts the marts hold.
    assert query("select * from marts.agg_platform_summary order by platform") == query("""
        select platform, count(*), count(*) filter (where status = 'completed'),
               (select count(*) from marts.fct_transcript_turns t where t.platform = c.platform),
               (select count(*) from marts.fct_algorithm_runs where c.platform = 'gensail')
        from marts.fct_conversations c group by platform order by platform""")

    # Against what the APIs hold: media of every interview and session that has some, every
    # usage day, every campaign's stats.
    genway_media = {k for k in sims["genway"].truth_records("interview_media")}
    assert genway_media == {f"{key.split(':')[1]}:{kind}" for key, kind in query(
        "select conversation_key, kind from marts.fct_media where platform = 'genway'")}
    session_audio = set(sims["interviewrelay"].truth_records("session_audio"))
    assert session_audio and session_audio == {key.split(":")[1] for (key,) in query(
        "select conversation_key from marts.fct_media "
        "where platform = 'interviewrelay' and kind = 'audio'")}
    usage = {d: (r["sessions"], r["credits_used"])
             for d, r in sims["interviewrelay"].truth_records("billing_usage").items()}
    assert usage and usage == {str(d): (n, c) for d, n, c in query(
        "select usage_date, sessions, credits_used from marts.fct_billing_usage")}
    stats = sims["interviewrelay"].truth_records("campaign_stats")
    assert stats == {c: {"invites_sent": i, "started": s, "completed": d, "completion_rate": r}
                     for c, i, s, d, r in query(
                         "select campaign_id, invites_sent, started, completed, completion_rate "
                         "from marts.dim_campaigns")}

    # The report: every chart drawn with data, in a real browser, with a clean console.
    report_page = Path(os.environ["WAREHOUSE_DIR"]) / "report" / "index.html"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 2000})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report_page.as_uri())
        charts = page.locator("svg.chart")
        assert charts.count() == len(CHARTS)
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert chart.is_visible() and chart.locator("[data-mark]").count() > 0, \
                chart.get_attribute("data-chart")
        page.screenshot(path=str(artifact("report.png")), full_page=True)
        assert errors == []

    # The saved questions on the new marts answer.
    answers = run_new_analyses(warehouse_path(), tmp_path / "analyses")
    assert len(answers) == 4 and all(answers.values()), {k: len(v) for k, v in answers.items()}

    # 2. Two days later (new, changed and grown records; snapshots re-taken): the scheduled run
    #    builds incrementally into the copy of the first build.
    for control in sims.values():
        control.advance(2 * 24 * 60)
    second = materialize(*scheduled_window(LAST + timedelta(days=2), lookback_days=2),
                         warehouse=True)
    assert second.success
    full = tmp_path / "full" / WAREHOUSE_FILE
    full.parent.mkdir()
    dbt_build(full, "--full-refresh")
    assert model_differences(warehouse_path(), full) == {}
    assert query("select count(*) from marts.fct_transcript_turns")[0][0] > 20000


def _timestamp(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))
