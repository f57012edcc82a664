"""Genway: projects (snapshot), interviews, transcripts and summaries (daily, by the interview's
`created_at`). One function per entity; its docstring is the asset's description in the UI.

Genway has no change feed: the list shows only id, project and `created_at`. So each run lists
every tenant once, fetches the details of interviews it has not landed, and re-checks every
landed interview that is not final yet, however old, until it is. Exports are fetched once per
completed interview.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from assets.landing import EntityRun, Item, fetch_and_land
from resources.genway import GenwayClient
from resources.lake import PARTITION

FINAL = frozenset({"completed", "abandoned", "flagged"})


def projects(run: EntityRun) -> None:
    """Snapshot of every tenant's projects, landed under the extraction date."""
    records, tenants = [], []
    for tenant in run.client.tenants:
        for project in run.client.list_projects(tenant):
            records.append(project)
            tenants.append(tenant)
    run.snapshot(records, tenants)


def interviews(run: EntityRun) -> None:
    """Interview details by creation day. New interviews of the run's range are fetched; landed
    interviews that are not final (scheduled, in progress) are re-checked on every run, however
    old, until they are. Interviews the listing shows but whose details answer 404 (deleted) are
    recorded in the ledger and reported, not retried."""
    landed = {row["interview_id"]: row["status"]
              for row in run.lake.state(run.spec, ["status"]).to_pylist()}
    committed, deleted = run.committed, run.ledger.known(run.spec.name)
    work = []
    for tenant in run.client.tenants:
        for listed in run.client.list_interviews(tenant):
            day = run.day_of(listed, "created_at")
            interview_id = listed.get("interview_id")
            if day is None or not interview_id:
                continue
            status = landed.get(interview_id)
            if run.in_scope(day) and interview_id not in deleted:
                run.expect(interview_id)
            if day in committed or status in FINAL:
                continue
            if interview_id in deleted:
                run.notes["deleted_skipped"] += 1
            elif status is not None or run.in_scope(day):
                work.append(Item(interview_id, day, tenant=tenant))
            else:
                run.notes["listed_outside_range_not_landed"] += 1
    client: GenwayClient = run.client
    fetch_and_land(run, work, lambda item: client.interview(item.tenant, item.id))
    run.ensure_days()
    run.settle_repairs()


def _exports(fetch: Callable[[GenwayClient, str, str], dict[str, Any]]
             ) -> Callable[[EntityRun], None]:
    def export(run: EntityRun) -> None:
        fetched = {r["interview_id"]: r["_parent_version"]
                   for r in run.lake.state(run.spec, ["_parent_version"]).to_pylist()}
        missing = run.ledger.known(run.spec.name)
        work = []
        parents = run.lake.state(run.sibling("interviews"),
                                 ["status", "updated_at", "_tenant_id"])
        for row in parents.to_pylist():
            if row["status"] != "completed":
                continue  # the export answers 409 until then: not worth a request
            version = row["updated_at"]
            if fetched.get(row["interview_id"]) == version:
                continue
            if missing.get(row["interview_id"]) == version.isoformat():
                run.notes["not_found_skipped"] += 1
                continue
            work.append(Item(row["interview_id"], date.fromisoformat(row[PARTITION]),
                             version.isoformat(), row["_tenant_id"]))
        fetch_and_land(run, work, lambda item: fetch(run.client, item.tenant, item.id))
        run.ensure_days()

    return export


transcripts = _exports(lambda client, tenant, i: client.transcript(tenant, i))
transcripts.__doc__ = (
    "Transcript export of every completed interview, fetched once (an interview's transcript "
    "does not change after it completes). Partitioned like the interview.")
summaries = _exports(lambda client, tenant, i: client.summary(tenant, i))
summaries.__doc__ = (
    "Summary export of every completed interview, fetched once. Partitioned like the interview.")

RUNNERS = {"projects": projects, "interviews": interviews, "transcripts": transcripts,
           "summaries": summaries}
