"""Gensail assets: jobs with their transcripts, algorithm runs and feedback (daily), algorithms
and algorithm stats (snapshots).

Gensail can say what changed: each run lists the jobs created in its range, plus every job with
`updated_at` past the lake's high-water mark (minus an overlap, deduped by id), so a change to a
job of any age lands at the next run. Job details are fetched only where the list cannot carry
the answer: the transcript exists from `analyzing` on.
"""

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
from resources.errors import NotFound
from resources.gensail import GensailClient, GensailResource
from resources.schemas import (
    GENSAIL_ALGORITHM_RUNS,
    GENSAIL_ALGORITHM_STATS,
    GENSAIL_ALGORITHMS,
    GENSAIL_FEEDBACK,
    GENSAIL_JOBS,
)
from resources.warehouse import LakeResource

# Statuses at which a job has a transcript and algorithm runs (`failed` may or may not).
ANALYSED = frozenset({"analyzing", "publishing", "completed", "failed"})
UNSET = "gensail is not configured (GENSAIL_* unset): skipping"
KINDS = {"python", "parquet"}




@dg.asset(key=["gensail", "algorithms"], group_name="gensail", kinds=KINDS,
          output_required=False)
def gensail_algorithms(context: dg.AssetExecutionContext, gensail: GensailResource,
                       lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Snapshot of the workspace's algorithms, landed under the extraction date."""
    if not gensail.is_configured():
        context.log.info(UNSET)
        return
    landing = Landing(lake.lake(), GENSAIL_ALGORITHMS, run_info(context))
    with gensail.open(context.log) as client:
        landing.snapshot(datetime.now(UTC).date(), client.algorithms())
        yield landing.result(context, client.counters)


@dg.asset(key=["gensail", "algorithm_stats"], group_name="gensail", kinds=KINDS,
          deps=[gensail_algorithms], output_required=False)
def gensail_algorithm_stats(context: dg.AssetExecutionContext, gensail: GensailResource,
                            lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Snapshot of feedback accuracy per algorithm (one request per algorithm of the latest
    algorithms snapshot)."""
    if not gensail.is_configured():
        context.log.info(UNSET)
        return
    store = lake.lake()
    landing = Landing(store, GENSAIL_ALGORITHM_STATS, run_info(context))
    with gensail.open(context.log) as client:
        latest = store.landed_dates(GENSAIL_ALGORITHMS)
        if latest:
            table = store.read_partition(GENSAIL_ALGORITHMS, latest[-1])
            algorithm_ids = table["id"].to_pylist() if table is not None else []
        else:
            algorithm_ids = [a["id"] for a in client.algorithms()]
        stats = []
        for algorithm_id in algorithm_ids:
            try:
                stats.append(client.algorithm_stats(algorithm_id))
            except NotFound:  # an algorithm deleted since the snapshot: report, go on
                client.counters.add(not_found=1)
        landing.snapshot(datetime.now(UTC).date(), stats)
        yield landing.result(context, client.counters)


@dg.asset(key=["gensail", "jobs"], group_name="gensail", kinds=KINDS, partitions_def=DAILY,
          backfill_policy=SINGLE_RUN, output_required=False)
def gensail_jobs(context: dg.AssetExecutionContext, gensail: GensailResource,
                 lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Jobs by creation day, with their transcripts (fetched from `analyzing` on). New and
    changed jobs of the run's range, and every job changed since the lake's high-water mark
    (`updated_after`, with an overlap), whatever its age."""
    if not gensail.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    run = run_info(context)
    store = lake.lake()
    landing = Landing(store, GENSAIL_JOBS, run, first, last)
    state = {row["id"]: row["updated_at"]
             for row in store.state(GENSAIL_JOBS, ["updated_at"]).to_pylist()}
    committed = store.committed_by(GENSAIL_JOBS, run.root_run_id)
    with gensail.open(context.log) as client:
        listed: dict[int, dict[str, Any]] = {}
        listings = [dict(created_after=midnight(first),
                         created_before=midnight(last + timedelta(days=1)))]
        if state:
            since = max(state.values()) - timedelta(minutes=gensail.cursor_overlap_minutes)
            listings.append(dict(updated_after=iso(since)))
        for params in listings:
            for page in client.jobs(**params):
                listed.update((job["id"], job) for job in page)
        work: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for job in listed.values():
            day = day_of(job.get("created_at"))
            if day is None or day in committed:
                continue
            landed = state.get(job["id"])
            if landed is not None and iso(landed) == job.get("updated_at"):
                continue
            if landed is not None or landing.in_range(day):
                work[day].append(job)
            else:
                landing.notes["changed_outside_landed_history"] += 1
        for day in days(first, last):
            if day not in committed:
                work.setdefault(day, [])

        def detail(job: dict[str, Any]) -> dict[str, Any] | None:
            return client.job(job["id"]) if job.get("status") in ANALYSED else job

        def on_day(day: date, results: list[tuple[dict[str, Any], Any]]) -> None:
            client.counters.add(not_found=sum(1 for _, r in results if r is None))
            landing.land(day, [r for _, r in results if r is not None])

        fetch_by_day(detail, work, gensail.max_concurrency, on_day)
        yield landing.result(context, client.counters)


@dg.asset(key=["gensail", "algorithm_runs"], group_name="gensail", kinds=KINDS,
          partitions_def=DAILY, backfill_policy=SINGLE_RUN, output_required=False,
          deps=[gensail_jobs])
def gensail_algorithm_runs(context: dg.AssetExecutionContext, gensail: GensailResource,
                           lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Algorithm runs of every analysed job, partitioned like the job. Re-fetched whenever the
    job's `updated_at` moved since its runs were landed, never for a job not yet analysed."""
    if not gensail.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    run = run_info(context)
    store, ledger = lake.lake(), lake.ledger()
    landing = Landing(store, GENSAIL_ALGORITHM_RUNS, run, first, last)
    fetched: dict[int, datetime] = {}
    for row in store.state(GENSAIL_ALGORITHM_RUNS, ["job_id", "_parent_version"]).to_pylist():
        fetched[row["job_id"]] = max(row["_parent_version"], fetched.get(row["job_id"], row[
            "_parent_version"]))
    empty = ledger.known(GENSAIL_ALGORITHM_RUNS.name)
    work: dict[date, list[tuple[int, datetime]]] = defaultdict(list)
    for job in store.state(GENSAIL_JOBS, ["status", "updated_at"]).to_pylist():
        version = job["updated_at"]
        if job["status"] not in ANALYSED or fetched.get(job["id"]) == version:
            continue
        if empty.get(str(job["id"])) == version.isoformat():
            continue
        work[date.fromisoformat(job["date"])].append((job["id"], version))
    with gensail.open(context.log) as client:
        _land_runs(client, landing, work, gensail.max_concurrency, ledger)
        landing.ensure_days(days(first, last))
        yield landing.result(context, client.counters)


def _land_runs(client: GensailClient, landing: Landing,
               work: dict[date, list[tuple[int, datetime]]], workers: int, ledger: Any) -> None:
    def on_day(day: date, results: list[tuple[tuple[int, datetime], Any]]) -> None:
        records, versions, outcomes = [], [], []
        for (job_id, version), runs in results:
            if not runs:
                outcomes.append((str(job_id), version.isoformat(),
                                 "not_found" if runs is None else "empty"))
                client.counters.add(not_found=1 if runs is None else 0)
                continue
            records += runs
            versions += [version.isoformat()] * len(runs)
        if outcomes:
            ledger.record(GENSAIL_ALGORITHM_RUNS.name, outcomes, landing.run.run_id)
        if records:
            landing.land(day, records, parent_versions=versions)

    fetch_by_day(lambda item: client.runs(item[0]), work, workers, on_day)


@dg.asset(key=["gensail", "feedback"], group_name="gensail", kinds=KINDS, partitions_def=DAILY,
          backfill_policy=SINGLE_RUN, output_required=False)
def gensail_feedback(context: dg.AssetExecutionContext, gensail: GensailResource,
                     lake: LakeResource) -> Iterator[dg.MaterializeResult]:
    """Feedback (corrections to algorithm results) by creation day: the run lists everything
    created since its range began, and lands the days of its range."""
    if not gensail.is_configured():
        context.log.info(UNSET)
        return
    first, last = window(context)
    landing = Landing(lake.lake(), GENSAIL_FEEDBACK, run_info(context), first, last)
    with gensail.open(context.log) as client:
        by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in days(first, last)}
        for page in client.feedback(created_after=midnight(first)):
            for item in page:
                day = day_of(item.get("created_at"))
                if day is not None and landing.in_range(day):
                    by_day[day].append(item)
                else:
                    landing.notes["listed_after_range_left_to_its_partition"] += 1
        for day in sorted(by_day):
            landing.land(day, by_day[day])
        yield landing.result(context, client.counters)


ASSETS = [gensail_algorithms, gensail_algorithm_stats, gensail_jobs, gensail_algorithm_runs,
          gensail_feedback]
