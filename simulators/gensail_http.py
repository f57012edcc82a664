"""The Gensail read endpoints: query parsing, envelopes and status codes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.clock import parse_ts
from simulators.gensail_data import STATUSES, Job

if TYPE_CHECKING:
    from simulators.gensail import GensailSimulator

MAX_PAGE_SIZE = 200


class BadRequest(ValueError):
    """A query parameter the API refuses with 400."""


def query_ts(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        return parse_ts(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an ISO 8601 date-time, got {raw!r}") from exc


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}")
    return value


def query_statuses(request: Request) -> set[str]:
    statuses = set(request.query_params.getlist("status"))
    unknown = sorted(statuses - set(STATUSES))
    if unknown:
        raise BadRequest(f"unknown status {unknown[0]!r}; expected one of {', '.join(STATUSES)}")
    return statuses


def paging(request: Request) -> tuple[int, int]:
    return (query_int(request, "page", 1, 1, 10**9),
            query_int(request, "page_size", 50, 1, MAX_PAGE_SIZE))


def routes(sim: GensailSimulator) -> list[Route]:
    def bad(exc: BadRequest) -> Response:
        return sim.error(400, "Bad Request", str(exc))

    def page_of(key: str, rows: list[Any], page: int, size: int, items: list[dict]) -> Response:
        payload = {key: items, "page": page, "page_size": size, "total": len(rows),
                   "has_more": page * size < len(rows)}
        return sim.json(payload, records=items)

    def find_job(request: Request) -> Job | None:
        try:
            job = sim.world.jobs.get(int(request.path_params["job_id"]))
        except ValueError:
            return None
        return job if job is not None and job.created_at <= sim.now else None

    def not_found_job(request: Request) -> Response:
        return sim.error(404, "Not Found", f"Job {request.path_params['job_id']} not found")

    def detail(job: Job) -> Response:
        view: dict[str, Any] = job.view(sim.now)
        view["transcript"] = job.transcript() if job.has_transcript(sim.now) else None
        return sim.json(view, records=[view])

    async def health(request: Request) -> Response:
        return sim.json({"status": "ok"})

    async def list_jobs(request: Request) -> Response:
        try:
            filters = (query_statuses(request), query_ts(request, "created_after"),
                       query_ts(request, "created_before"), query_ts(request, "updated_after"))
            page, size = paging(request)
        except BadRequest as exc:
            return bad(exc)
        rows = sim.job_rows(*filters)
        if sim.shift_ahead(page, size, rows, lambda row: sim.world.shift_job(row[3], sim.now)):
            rows = sim.job_rows(*filters)
        items = [row[3].view(sim.now) for row in rows[(page - 1) * size: page * size]]
        return page_of("jobs", rows, page, size, items)

    async def get_job(request: Request) -> Response:
        job = find_job(request)
        return not_found_job(request) if job is None else detail(job)

    async def job_runs(request: Request) -> Response:
        job = find_job(request)
        if job is None:
            return not_found_job(request)
        runs = sorted((r for r in job.runs if r.created_at <= sim.now),
                      key=lambda r: (r.created_at, r.id))
        items = [r.view(sim.now) for r in runs]
        return sim.json({"runs": items}, records=items)

    async def lookup(request: Request) -> Response:
        call_id = request.query_params.get("source_call_id")
        company_id = request.query_params.get("source_company_id")
        if not call_id or not company_id:
            return sim.error(400, "Bad Request",
                             "source_call_id and source_company_id are both required")
        # Child jobs share their parent's source ids; the lookup answers with the original.
        jobs = [j for j in sim.world.lookup.get((call_id, company_id), [])
                if j.created_at <= sim.now]
        if not jobs:
            return sim.error(404, "Not Found", "No job for this source call")
        return detail(min(jobs, key=lambda j: j.id))

    async def algorithms(request: Request) -> Response:
        items = sim.visible_algorithms()
        return sim.json({"algorithms": items}, records=items)

    async def list_feedback(request: Request) -> Response:
        try:
            created_after = query_ts(request, "created_after")
            page, size = paging(request)
        except BadRequest as exc:
            return bad(exc)
        algorithm_id = request.query_params.get("algorithm_id") or None
        rows = sim.feedback_rows(algorithm_id, created_after)
        if sim.shift_ahead(page, size, rows, sim.world.shift_feedback):
            rows = sim.feedback_rows(algorithm_id, created_after)
        items = [f.view() for f in rows[(page - 1) * size: page * size]]
        return page_of("feedback", rows, page, size, items)

    async def stats(request: Request) -> Response:
        algorithm_id = request.path_params["algorithm_id"]
        found = sim.algorithm_stats().get(algorithm_id)
        if found is None:
            return sim.error(404, "Not Found", f"Algorithm {algorithm_id} not found")
        record = dict(found)
        return sim.json(record, records=[record])

    async def unknown(request: Request) -> Response:
        return sim.error(404, "Not Found")

    return [
        Route("/health", health),
        Route("/api/v1/jobs", list_jobs),
        Route("/api/v1/jobs/lookup", lookup),
        Route("/api/v1/jobs/{job_id}", get_job),
        Route("/api/v1/jobs/{job_id}/runs", job_runs),
        Route("/api/v1/algorithms", algorithms),
        Route("/api/v1/feedback", list_feedback),
        Route("/api/v1/feedback/algorithms/{algorithm_id}/stats", stats),
        Route("/api/{path:path}", unknown),  # the vendor answers unknown paths in JSON too
    ]
