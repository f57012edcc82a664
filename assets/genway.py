"""Genway assets: projects (snapshot), interviews, transcripts and summaries (daily, by the
interview's `created_at`).

Genway has no change feed: the list shows only id, project and `created_at`. So each run lists
every tenant once, fetches the details of interviews it has not landed, and re-checks every
landed interview that is not final yet, however old, until it is. Exports are fetched once per
completed interview.
"""


from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import dagster as dg

from assets.landing import Landing, fetch_by_day
from assets.partitions import DAILY, SINGLE_RUN, day_of, days, run_info, window
from resources.genway import GenwayClient, GenwayResource
from resources.schemas import (
    GENWAY_INTERVIEWS,
    GENWAY_PROJECTS,
    GENWAY_SUMMARIES,
    GENWAY_TRANSCRIPTS,
    EntitySpec,
)
from resources.warehouse import LakeResource

FINAL = frozenset({"completed", "abandoned", "flagged"})
UNSET = "genway is not configured (GENWAY_* unset): skipping"


@dg.asset(key=["genway", "projects"], group_name="genway", kinds={"python", "parquet"},
          output_required=False)
def genway_projects(context: dg.AssetExecutionContext, genway: GenwayResource,
                    lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Snapshot of every tenant's projects, landed under the extraction date."""
    if not genway.is_configured():
        context.log.info(UNSET)
        return
    landing = Landing(lake.lake(), GENWAY_PROJECTS, run_info(context))
    with genway.open(context.log) as client:
        records, tenants = [], []
        for tenant in client.tenants:
            for project in client.list_projects(tenant):
                records.append(project)
                tenants.append(tenant)
        landing.snapshot(datetime.now(UTC).date(), records, tenants)
        yield landing.result(context, client.counters)


@dg.asset(key=["genway", "interviews"], group_name="genway", kinds={"python", "parquet"},
          partitions_def=DAILY, backfill_policy=SINGLE_RUN, output_required=False)
def genway_interviews(context: dg.AssetExecutionContext, genway: GenwayResource,
                      lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Interview details by creation day. New interviews of the run's range are fetched; landed
    interviews that are not final (scheduled, in progress) are re-checked on every run, however
    old, until they are. Interviews the listing shows but whose details answer 404 (deleted) are
    recorded in the ledger and reported, not retried."""
    if not genway.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    run = run_info(context)
    store, ledger = lake.lake(), lake.ledger()
    landing = Landing(store, GENWAY_INTERVIEWS, run, first, last)
    landed = {row["interview_id"]: row["status"]
              for row in store.state(GENWAY_INTERVIEWS, ["status"]).to_pylist()}
    committed = store.committed_by(GENWAY_INTERVIEWS, run.root_run_id)
    deleted = ledger.known(GENWAY_INTERVIEWS.name)
    with genway.open(context.log) as client:
        work: dict[date, list[tuple[str, str]]] = defaultdict(list)
        for tenant in client.tenants:
            for item in client.list_interviews(tenant):
                day = day_of(item.get("created_at"))
                interview_id = item.get("interview_id")
                if day is None or not interview_id:
                    landing.notes["listed_without_id_or_created_at"] += 1
                    continue
                status = landed.get(interview_id)
                if day in committed or (status is not None and status in FINAL):
                    continue
                if interview_id in deleted:
                    landing.notes["deleted_skipped"] += 1
                elif status is not None or landing.in_range(day):
                    work[day].append((tenant, interview_id))
                else:
                    landing.notes["listed_outside_range_not_landed"] += 1
        for day in days(first, last):
            work.setdefault(day, [])
        work = {d: items for d, items in work.items()
                if items or (landing.in_range(d) and d not in committed)}

        def on_day(day: date, results: list[tuple[tuple[str, str], Any]]) -> None:
            found = [(tenant, record) for (tenant, _), record in results if record is not None]
            gone = [(interview_id, None, "not_found")
                    for (_, interview_id), record in results if record is None]
            if gone:
                client.counters.add(not_found=len(gone))
                ledger.record(GENWAY_INTERVIEWS.name, gone, run.run_id)
            landing.land(day, [r for _, r in found], [t for t, _ in found])

        fetch_by_day(lambda pair: client.interview(*pair), work, genway.max_concurrency, on_day)
        yield landing.result(context, client.counters)


def _export_asset(spec: EntitySpec, fetch: Callable[[GenwayClient, str, str], dict[str, Any]],
                  description: str) -> dg.AssetsDefinition:
    @dg.asset(key=["genway", spec.entity], group_name="genway", kinds={"python", "parquet"},
              partitions_def=DAILY, backfill_policy=SINGLE_RUN, output_required=False,
              deps=[dg.AssetDep(["genway", "interviews"])],
              description=description)
    def export(context: dg.AssetExecutionContext, genway: GenwayResource,
               lake: LakeResource) -> Iterator[dg.MaterializeResult]:
        if not genway.is_configured():
            context.log.info(UNSET)
            return
        first, last = window(context)
        run = run_info(context)
        store, ledger = lake.lake(), lake.ledger()
        landing = Landing(store, spec, run, first, last)
        fetched = {r["interview_id"]: r["_parent_version"]
                   for r in store.state(spec, ["_parent_version"]).to_pylist()}
        missing = ledger.known(spec.name)
        work: dict[date, list[tuple[str, str, datetime]]] = defaultdict(list)
        interviews = store.state(GENWAY_INTERVIEWS, ["status", "updated_at", "_tenant_id"])
        for row in interviews.to_pylist():
            if row["status"] != "completed":
                continue  # the export answers 409 until then: not worth a request
            version = row["updated_at"]
            if fetched.get(row["interview_id"]) == version:
                continue
            if missing.get(row["interview_id"]) == version.isoformat():
                landing.notes["not_found_skipped"] += 1
                continue
            day = date.fromisoformat(row["date"])
            work[day].append((row["_tenant_id"], row["interview_id"], version))
        with genway.open(context.log) as client:
            def on_day(day: date, results: list[tuple[tuple[str, str, datetime], Any]]) -> None:
                done = [(item, record) for item, record in results if record is not None]
                gone = [(i, v.isoformat(), "not_found") for (_, i, v), r in results if r is None]
                if gone:
                    client.counters.add(not_found=len(gone))
                    ledger.record(spec.name, gone, run.run_id)
                if done:
                    landing.land(day, [r for _, r in done], [t for (t, _, _), _ in done],
                                 [v.isoformat() for (_, _, v), _ in done])

            fetch_by_day(lambda item: fetch(client, item[0], item[1]), work,
                         genway.max_concurrency, on_day)
            landing.ensure_days(days(first, last))
            yield landing.result(context, client.counters)

    return export


genway_transcripts = _export_asset(
    GENWAY_TRANSCRIPTS, lambda c, t, i: c.transcript(t, i),
    "Transcript export of every completed interview, fetched once (an interview's transcript "
    "does not change after it completes). Partitioned like the interview.")
genway_summaries = _export_asset(
    GENWAY_SUMMARIES, lambda c, t, i: c.summary(t, i),
    "Summary export of every completed interview, fetched once. Partitioned like the interview.")

ASSETS = [genway_projects, genway_interviews, genway_transcripts, genway_summaries]
