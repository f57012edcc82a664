"""InterviewRelay assets: projects, campaigns and billing credits (snapshots), sessions and
transcripts (daily, by the session's `started_at`).

Sessions have no change feed, but their list items carry `updated_at`, so listing the range is
enough to see what changed there. Sessions landed before the range that are still in progress
are re-checked on every run, by listing their day or by fetching them one by one, whichever
costs fewer requests. A transcript is re-fetched whenever its session's `updated_at` moved (an
in-progress session's transcript grows); per session or through the campaign's bulk export,
whichever costs fewer requests.
"""

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dagster as dg

from assets.landing import Landing, fetch_by_day
from assets.partitions import (
    DAILY,
    SINGLE_RUN,
    day_of,
    days,
    iso,
    midnight,
    run_info,
    window,
)
from resources.concurrency import fetch_each
from resources.interviewrelay import PAGE_LIMIT, InterviewRelayClient, InterviewRelayResource
from resources.schemas import (
    INTERVIEWRELAY_BILLING_CREDITS,
    INTERVIEWRELAY_CAMPAIGNS,
    INTERVIEWRELAY_PROJECTS,
    INTERVIEWRELAY_SESSIONS,
    INTERVIEWRELAY_TRANSCRIPTS,
    EntitySpec,
)
from resources.warehouse import LakeResource

FINAL = frozenset({"completed", "abandoned"})
UNSET = "interviewrelay is not configured (INTERVIEWRELAY_* unset): skipping"
KINDS = {"python", "parquet"}


def _snapshot_asset(spec: EntitySpec, description: str) -> dg.AssetsDefinition:
    @dg.asset(key=["interviewrelay", spec.entity], group_name="interviewrelay", kinds=KINDS,
              output_required=False, description=description)
    def snapshot(context: dg.AssetExecutionContext, interviewrelay: InterviewRelayResource,
                 lake: LakeResource) -> Iterator[dg.MaterializeResult]:
        if not interviewrelay.is_configured():
            context.log.info(UNSET)
            return
        landing = Landing(lake.lake(), spec, run_info(context))
        with interviewrelay.open(context.log) as client:
            if spec is INTERVIEWRELAY_BILLING_CREDITS:
                records = [client.billing_credits()]
            else:
                pages = client.projects() if spec is INTERVIEWRELAY_PROJECTS else client.campaigns()
                records = [item for page in pages for item in page]
            landing.snapshot(datetime.now(UTC).date(), records)
            yield landing.result(context, client.counters)

    return snapshot


interviewrelay_projects = _snapshot_asset(
    INTERVIEWRELAY_PROJECTS, "Snapshot of every project, landed under the extraction date.")
interviewrelay_campaigns = _snapshot_asset(
    INTERVIEWRELAY_CAMPAIGNS, "Snapshot of every campaign with its invite and completion "
    "counters, landed under the extraction date.")
interviewrelay_billing_credits = _snapshot_asset(
    INTERVIEWRELAY_BILLING_CREDITS, "Snapshot of the credit balance, landed under the "
    "extraction date.")


@dg.asset(key=["interviewrelay", "sessions"], group_name="interviewrelay", kinds=KINDS,
          partitions_def=DAILY, backfill_policy=SINGLE_RUN, output_required=False)
def interviewrelay_sessions(context: dg.AssetExecutionContext,
                            interviewrelay: InterviewRelayResource,
                            lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Sessions by start day: the range is listed, and sessions landed earlier that are still in
    progress are re-checked until they complete or are abandoned."""
    if not interviewrelay.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    run = run_info(context)
    store = lake.lake()
    landing = Landing(store, INTERVIEWRELAY_SESSIONS, run, first, last)
    state = {r["id"]: r for r in store.state(
        INTERVIEWRELAY_SESSIONS, ["status", "updated_at"]).to_pylist()}
    committed = store.committed_by(INTERVIEWRELAY_SESSIONS, run.root_run_id)
    with interviewrelay.open(context.log) as client:
        listed: dict[str, dict[str, Any]] = {}
        for page in client.sessions(start_date=midnight(first),
                                    end_date=midnight(last + timedelta(days=1))):
            listed.update((s["id"], s) for s in page)
        listed.update(_recheck_open(client, landing, state, committed,
                                   interviewrelay.max_concurrency))
        by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for session in listed.values():
            day = day_of(session.get("started_at"))
            if day is None or day in committed:
                continue
            landed = state.get(session["id"])
            if landed is not None and iso(landed["updated_at"]) == session.get("updated_at"):
                continue
            if landed is not None or landing.in_range(day):
                by_day[day].append(session)
            else:
                landing.notes["listed_outside_range_not_landed"] += 1
        for day in sorted(by_day):
            landing.land(day, by_day[day])
        landing.ensure_days(d for d in days(first, last) if d not in committed)
        yield landing.result(context, client.counters)


def _recheck_open(client: InterviewRelayClient, landing: Landing, state: dict[str, dict],
                  committed: set[date], workers: int) -> dict[str, dict[str, Any]]:
    """Current version of landed, unfinished sessions from before the range."""
    open_by_day: dict[date, list[str]] = defaultdict(list)
    landed_per_day: dict[date, int] = defaultdict(int)
    for row in state.values():
        day = date.fromisoformat(row["date"])
        landed_per_day[day] += 1
        if row["status"] not in FINAL and not landing.in_range(day) and day not in committed:
            open_by_day[day].append(row["id"])
    found: dict[str, dict[str, Any]] = {}
    singles: list[str] = []
    for day, ids in sorted(open_by_day.items()):
        # Listing the day costs its pages (+1 for sessions that arrived late); else one each.
        if math.ceil(landed_per_day[day] / PAGE_LIMIT) + 1 < len(ids):
            for page in client.sessions(start_date=midnight(day),
                                        end_date=midnight(day + timedelta(days=1))):
                found.update((s["id"], s) for s in page)
        else:
            singles += ids
    for session_id, session in fetch_each(client.session, singles, workers):
        if session is None:
            landing.notes["open_session_not_found"] += 1
        else:
            found[session_id] = session
    return found


@dg.asset(key=["interviewrelay", "transcripts"], group_name="interviewrelay", kinds=KINDS,
          partitions_def=DAILY, backfill_policy=SINGLE_RUN, output_required=False,
          deps=[interviewrelay_sessions])
def interviewrelay_transcripts(context: dg.AssetExecutionContext,
                               interviewrelay: InterviewRelayResource,
                               lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Transcript of every landed session, partial while the session is in progress, re-fetched
    whenever the session changed. A campaign with two or more transcripts to fetch is read
    through its bulk JSON export (one request); otherwise per session."""
    if not interviewrelay.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    run = run_info(context)
    store, ledger = lake.lake(), lake.ledger()
    landing = Landing(store, INTERVIEWRELAY_TRANSCRIPTS, run, first, last)
    fetched = {r["session_id"]: r["_parent_version"] for r in store.state(
        INTERVIEWRELAY_TRANSCRIPTS, ["_parent_version"]).to_pylist()}
    missing = ledger.known(INTERVIEWRELAY_TRANSCRIPTS.name)
    need: dict[str, list[dict[str, Any]]] = defaultdict(list)  # campaign -> sessions
    for row in store.state(INTERVIEWRELAY_SESSIONS, ["campaign_id", "updated_at"]).to_pylist():
        version = row["updated_at"]
        if fetched.get(row["id"]) == version or missing.get(row["id"]) == version.isoformat():
            continue
        need[row["campaign_id"]].append(row)
    with interviewrelay.open(context.log) as client:
        singles: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for campaign_id, sessions in need.items():
            if len(sessions) < 2:
                for row in sessions:
                    singles[date.fromisoformat(row["date"])].append(row)
                continue
            export = client.campaign_transcripts(campaign_id).get("transcripts") or []
            by_id = {t.get("session_id"): t for t in export}
            landing.notes["bulk_exports"] += 1
            got: dict[date, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
            for row in sessions:
                if row["id"] in by_id:
                    got[date.fromisoformat(row["date"])].append((row, by_id[row["id"]]))
                else:  # not in the export (not started yet, or just now): ask for it alone
                    singles[date.fromisoformat(row["date"])].append(row)
            for day, pairs in sorted(got.items()):
                _land(landing, day, pairs)

        def on_day(day: date, results: list[tuple[dict[str, Any], Any]]) -> None:
            gone = [(r["id"], r["updated_at"].isoformat(), "not_found")
                    for r, t in results if t is None]
            if gone:
                client.counters.add(not_found=len(gone))
                ledger.record(INTERVIEWRELAY_TRANSCRIPTS.name, gone, run.run_id)
            _land(landing, day, [(r, t) for r, t in results if t is not None])

        fetch_by_day(lambda row: client.transcript(row["id"]), singles,
                     interviewrelay.max_concurrency, on_day)
        landing.ensure_days(days(first, last))
        yield landing.result(context, client.counters)


def _land(landing: Landing, day: date, pairs: list[tuple[dict[str, Any], dict[str, Any]]]
          ) -> None:
    if pairs:
        landing.land(day, [t for _, t in pairs],
                     parent_versions=[r["updated_at"].isoformat() for r, _ in pairs])


ASSETS = [interviewrelay_projects, interviewrelay_campaigns, interviewrelay_billing_credits,
          interviewrelay_sessions, interviewrelay_transcripts]
