"""Gensail: jobs with their transcripts, algorithm runs and feedback (daily), algorithms and
algorithm stats (snapshots). One function per entity; its docstring is the asset's description.

Gensail can say what changed: each run lists the jobs created in its range, plus every job with
`updated_at` past the lake's high-water mark (minus an overlap, deduped by id), so a change to a
job of any age lands at the next run. Job details are fetched only where the list cannot carry
the answer: the transcript exists from `analyzing` on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from assets.landing import EntityRun, Item, fetch_and_land
from assets.partitions import iso, midnight
from resources.errors import NotFound
from resources.gensail import GensailClient
from resources.lake import PARTITION

# Statuses at which a job has a transcript and algorithm runs (`failed` may or may not).
ANALYSED = frozenset({"analyzing", "publishing", "completed", "failed"})
JOBS_PATH = "/api/v1/jobs"


def algorithms(run: EntityRun) -> None:
    """Snapshot of the workspace's algorithms, landed under the extraction date."""
    run.snapshot(run.client.algorithms())


def algorithm_stats(run: EntityRun) -> None:
    """Snapshot of feedback accuracy per algorithm (one request per algorithm of the latest
    algorithms snapshot)."""
    client: GensailClient = run.client
    latest = run.lake.landed_dates(run.sibling("algorithms"))
    table = run.lake.read_partition(run.sibling("algorithms"), latest[-1]) if latest else None
    algorithm_ids = (table["id"].to_pylist() if table is not None
                     else [a["id"] for a in client.algorithms()])
    stats = []
    for algorithm_id in algorithm_ids:
        try:
            stats.append(client.algorithm_stats(algorithm_id))
        except NotFound:  # an algorithm deleted since the snapshot: report, go on
            run.counters.add(not_found=1)
    run.snapshot(stats)


def jobs(run: EntityRun) -> None:
    """Jobs by creation day, with their transcripts (fetched from `analyzing` on). New and
    changed jobs of the run's range, and every job changed since the lake's high-water mark
    (`updated_after`, with an overlap), whatever its age. A listing that drifted is read again
    until two reads agree; one that does not settle fails the asset after the rest landed."""
    client: GensailClient = run.client
    state = {row["id"]: row["updated_at"]
             for row in run.lake.state(run.spec, ["updated_at"]).to_pylist()}
    listed: dict[Any, dict[str, Any]] = {}
    for first, last in [run.window, *run.repair_windows()] if run.window else []:
        params = {"created_after": midnight(first),
                  "created_before": midnight(last + timedelta(days=1))}
        listed.update(run.listed(client.jobs(**params), JOBS_PATH, params,
                                 {"first": first.isoformat(), "last": last.isoformat()}))
    if state:
        since = max(state.values()) - timedelta(minutes=run.resource.cursor_overlap_minutes)
        for repair in run.repairs:
            if "updated_after" in repair:
                since = min(since, datetime.fromisoformat(repair["updated_after"]))
        params = {"updated_after": iso(since)}
        listed.update(run.listed(client.jobs(**params), JOBS_PATH, params,
                                 {"updated_after": since.isoformat()}))
    work = [Item(job["id"], day, payload=job) for day, job in run.to_land(
        listed.values(), "created_at", state, "changed_outside_landed_history")]
    fetch_and_land(run, work, lambda item: client.job(item.id)
                   if item.payload.get("status") in ANALYSED else item.payload)
    run.ensure_days()
    run.settle_repairs()


def algorithm_runs(run: EntityRun) -> None:
    """Algorithm runs of every analysed job, partitioned like the job. Re-fetched whenever the
    job's `updated_at` moved since its runs were landed, never for a job not yet analysed."""
    fetched: dict[int, datetime] = {}
    for row in run.lake.state(run.spec, ["job_id", "_parent_version"]).to_pylist():
        version = row["_parent_version"]
        fetched[row["job_id"]] = max(version, fetched.get(row["job_id"], version))
    empty = run.ledger.known(run.spec.name)
    work = []
    for job in run.lake.state(run.sibling("jobs"), ["status", "updated_at"]).to_pylist():
        version = job["updated_at"]
        if job["status"] not in ANALYSED or fetched.get(job["id"]) == version:
            continue
        if empty.get(str(job["id"])) == version.isoformat():
            continue
        work.append(Item(job["id"], date.fromisoformat(job[PARTITION]), version.isoformat()))
    client: GensailClient = run.client
    fetch_and_land(run, work, lambda item: client.runs(item.id))
    run.ensure_days()


def feedback(run: EntityRun) -> None:
    """Feedback (corrections to algorithm results) by creation day: the run lists everything
    created since its range began, and lands the days of its range."""
    windows = [run.window, *run.repair_windows()] if run.window else []
    if not windows:
        return
    first = min(w[0] for w in windows)
    params = {"created_after": midnight(first)}
    listing = run.listed(run.client.feedback(**params), "/api/v1/feedback", params,
                         {"first": first.isoformat(), "last": run.window[1].isoformat()})
    by_day: dict[date, list[dict[str, Any]]] = {d: [] for d in run.days()}
    for item in listing.values():
        day = run.day_of(item, "created_at")
        if day is not None and run.in_scope(day):
            run.expect(item["id"])
            by_day.setdefault(day, []).append(item)
        elif day is not None:
            run.notes["listed_after_range_left_to_its_partition"] += 1
    for day in sorted(by_day):
        run.land(day, by_day[day])
    run.settle_repairs()


RUNNERS = {"algorithms": algorithms, "algorithm_stats": algorithm_stats, "jobs": jobs,
           "algorithm_runs": algorithm_runs, "feedback": feedback}
