"""InterviewRelay: projects, campaigns and billing credits (snapshots), sessions and transcripts
(daily, by the session's `started_at`). One function per entity; its docstring is the asset's
description in the UI.

Sessions have no change feed, but their list items carry `updated_at`, so listing the range is
enough to see what changed there. Sessions landed before the range that are still in progress
are re-checked on every run, by listing their day or by fetching them one by one, whichever
costs fewer requests. A transcript is re-fetched whenever its session's `updated_at` moved (an
in-progress session's transcript grows); per session or through the campaign's bulk export,
whichever costs fewer requests.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from assets.landing import EntityRun, Item, fetch_and_land
from assets.partitions import midnight
from resources.concurrency import fetch_each
from resources.interviewrelay import PAGE_LIMIT, InterviewRelayClient
from resources.lake import PARTITION

FINAL = frozenset({"completed", "abandoned"})
EXPORT_BATCH = 200  # transcripts of a bulk export held before they are landed
SESSIONS_PATH = "/api/sessions"


def projects(run: EntityRun) -> None:
    """Snapshot of every project, landed under the extraction date."""
    run.snapshot(list(run.listed(run.client.projects(), "/api/projects", {}).values()))


def campaigns(run: EntityRun) -> None:
    """Snapshot of every campaign with its stats (invites sent, started, completed, completion
    rate: one request per campaign for the detail), landed under the extraction date."""
    listed = run.listed(run.client.campaigns(), "/api/campaigns", {})
    details = dict(fetch_each(run.client.campaign, list(listed), run.workers))
    # A campaign gone since it was listed keeps its list item: it was there.
    run.snapshot([details.get(campaign_id) or item for campaign_id, item in listed.items()])


def billing_credits(run: EntityRun) -> None:
    """Snapshot of the credit balance, landed under the extraction date."""
    run.snapshot([run.client.billing_credits()])


def billing_usage(run: EntityRun) -> None:
    """Sessions and credits used per day (`/api/billing/usage`), by usage date: the run's
    range is asked for; a day's row is replaced as the day goes on."""
    if run.window is None:
        return
    windows = [run.window, *run.repair_windows()]
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in run.client.billing_usage(first.isoformat(), last.isoformat()):
        day = run.day_of(row, "date")
        if day is not None and run.in_scope(day):
            run.expect(row["date"])
            by_day[day].append(row)
    for day in sorted(by_day):
        run.land(day, by_day[day])
    run.ensure_days()
    run.settle_repairs()


def sessions(run: EntityRun) -> None:
    """Sessions by start day: the range is listed (read again until two reads agree if it
    drifted), and sessions landed earlier that are still in progress are re-checked until they
    complete or are abandoned."""
    client: InterviewRelayClient = run.client
    state = {r["id"]: r for r in run.lake.state(run.spec, ["status", "updated_at"]).to_pylist()}
    committed = run.committed
    listed: dict[Any, dict[str, Any]] = {}
    for first, last in [run.window, *run.repair_windows()] if run.window else []:
        params = {"start_date": midnight(first), "end_date": midnight(last + timedelta(days=1))}
        listed.update(run.listed(client.sessions(**params), SESSIONS_PATH, params,
                                 {"first": first.isoformat(), "last": last.isoformat()}))
    listed.update(_recheck_open(run, state, committed))
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    landed = {session_id: row["updated_at"] for session_id, row in state.items()}
    for day, session in run.to_land(listed.values(), "started_at", landed,
                                    "listed_outside_range_not_landed"):
        by_day[day].append(session)
    for day in sorted(by_day):
        run.land(day, by_day[day])
    run.ensure_days()
    run.settle_repairs()


def _recheck_open(run: EntityRun, state: dict[str, dict], committed: set[date]
                  ) -> dict[str, dict[str, Any]]:
    """Current version of landed, unfinished sessions from before the range."""
    open_by_day: dict[date, list[str]] = defaultdict(list)
    landed_per_day: dict[date, int] = defaultdict(int)
    for row in state.values():
        day = date.fromisoformat(row[PARTITION])
        landed_per_day[day] += 1
        if row["status"] not in FINAL and not run.in_scope(day) and day not in committed:
            open_by_day[day].append(row["id"])
    found: dict[str, dict[str, Any]] = {}
    singles: list[str] = []
    for day, ids in sorted(open_by_day.items()):
        # Listing the day costs its pages (+1 for sessions that arrived late); else one each.
        if math.ceil(landed_per_day[day] / PAGE_LIMIT) + 1 < len(ids):
            params = {"start_date": midnight(day), "end_date": midnight(day + timedelta(days=1))}
            found.update(run.listed(run.client.sessions(**params), SESSIONS_PATH, params,
                                    {"first": day.isoformat(), "last": day.isoformat()}))
        else:
            singles += ids
    for session_id, session in fetch_each(run.client.session, singles, run.workers):
        if session is None:
            run.notes["open_session_not_found"] += 1
        else:
            found[session_id] = session
    return found


def transcripts(run: EntityRun) -> None:
    """Transcript of every landed session, partial while the session is in progress, re-fetched
    whenever the session changed. A campaign with two or more transcripts to fetch is read
    through its bulk JSON export (one request); otherwise per session."""
    client: InterviewRelayClient = run.client
    fetched = {r["session_id"]: r["_parent_version"]
               for r in run.lake.state(run.spec, ["_parent_version"]).to_pylist()}
    missing = run.ledger.known(run.spec.name)
    need: dict[str, list[Item]] = defaultdict(list)  # campaign -> sessions
    for row in run.lake.state(run.sibling("sessions"),
                              ["campaign_id", "updated_at"]).to_pylist():
        version = row["updated_at"]
        if fetched.get(row["id"]) == version or missing.get(row["id"]) == version.isoformat():
            continue
        need[row["campaign_id"]].append(
            Item(row["id"], date.fromisoformat(row[PARTITION]), version.isoformat()))
    singles: list[Item] = []
    for campaign_id, items in need.items():
        if len(items) < 2:
            singles += items
            continue
        landed = _land_export(run, campaign_id, {item.id: item for item in items})
        singles += [item for item in items if item.id not in landed]  # not in the export
        run.notes["bulk_exports"] += 1
    fetch_and_land(run, singles, lambda item: client.transcript(item.id))
    run.ensure_days()


def session_files(run: EntityRun) -> None:
    """The files of every finished session (which kinds exist: transcript, audio, PDF), fetched
    once when the session is final: what `fct_media` points analysts to. Signed links are not
    kept (they expire within the hour); `/api/session/{id}/files` hands out fresh ones."""
    fetched = {r["session_id"]: r["_parent_version"]
               for r in run.lake.state(run.spec, ["_parent_version"]).to_pylist()}
    missing = run.ledger.known(run.spec.name)
    work = []
    for row in run.lake.state(run.sibling("sessions"), ["status", "updated_at"]).to_pylist():
        version = row["updated_at"]
        if row["status"] not in FINAL or fetched.get(row["id"]) == version:
            continue
        if missing.get(row["id"]) == version.isoformat():
            continue
        work.append(Item(row["id"], date.fromisoformat(row[PARTITION]), version.isoformat()))
    client: InterviewRelayClient = run.client
    fetch_and_land(run, work, lambda item: client.session_files(item.id))
    run.ensure_days()


def _land_export(run: EntityRun, campaign_id: str, wanted: dict[str, Item]) -> set[str]:
    """Land what the campaign's export holds for `wanted` sessions, in batches of at most
    `EXPORT_BATCH` transcripts: the export is read as it streams in, never held whole."""
    landed: set[str] = set()
    held: dict[date, list[tuple[Item, dict[str, Any]]]] = defaultdict(list)

    def flush() -> None:
        for day, pairs in sorted(held.items()):
            run.land(day, [t for _, t in pairs], parent_versions=[i.version for i, _ in pairs])
        held.clear()

    for transcript in run.client.campaign_transcripts(campaign_id):
        item = wanted.get(transcript.get("session_id"))
        if item is None or item.id in landed:  # not asked for, or read again after a retry
            continue
        landed.add(item.id)
        held[item.day].append((item, transcript))
        if sum(len(pairs) for pairs in held.values()) >= EXPORT_BATCH:
            flush()
    flush()
    return landed


RUNNERS = {"projects": projects, "campaigns": campaigns, "billing_credits": billing_credits,
           "billing_usage": billing_usage, "sessions": sessions, "transcripts": transcripts,
           "session_files": session_files}
