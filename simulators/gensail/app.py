"""The Gensail API: token auth, the read endpoints with page-number paging, and `{"detail"}`
errors.

Every route is a `Route(path, self.handler)` in `api_routes`; handlers raise `ApiError` to
refuse. Listings are cut from the snapshot at `now`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.http import BadRequest, NotFound, query_int, query_ts
from simulators.core.simulator import Simulator
from simulators.gensail import truth
from simulators.gensail.models import STATUSES, Job
from simulators.gensail.snapshot import Snapshot
from simulators.gensail.world import GensailWorld

MAX_PAGE_SIZE = 200
BAD_TS = "{name} must be an ISO 8601 date-time, got {raw!r}"


def query_statuses(request: Request) -> set[str]:
    statuses = set(request.query_params.getlist("status"))
    unknown = sorted(statuses - set(STATUSES))
    if unknown:
        raise BadRequest(f"unknown status {unknown[0]!r}; expected one of {', '.join(STATUSES)}")
    return statuses


def paging(request: Request) -> tuple[int, int]:
    return (query_int(request, "page", 1, 1, 10**9),
            query_int(request, "page_size", 50, 1, MAX_PAGE_SIZE))


class GensailSimulator(Simulator[GensailWorld, Snapshot]):
    name = "gensail"
    default_port = 8702
    documented_limit = 120
    optional_fields = frozenset({"parent_job_id", "skip_reason", "recording_url",
                                 "recording_duration", "completed_at", "confidence_score",
                                 "result", "error", "comment", "transcript"})
    numeric_fields = frozenset({"recording_duration", "confidence_score"})

    world_type = GensailWorld
    snapshot_type = Snapshot

    def truth_records(self) -> dict[str, dict[str, Any]]:
        return truth.records(self.snap())

    def env_lines(self, base_url: str) -> list[str]:
        return [f"GENSAIL_BASE_URL={base_url}", f"GENSAIL_API_TOKEN={self.world.token}",
                f"GENSAIL_REQUESTS_PER_MINUTE={self.requests_per_minute()}"]

    # -- auth and errors -------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"detail": message or short}, status=status)

    @staticmethod
    def token_of(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer " and header[7:].strip():
            return header[7:].strip()
        return request.headers.get("x-api-key") or None

    def rate_key(self, request: Request) -> str:
        token = self.token_of(request)
        if token:
            return f"token:{token}"
        return f"client:{request.client.host if request.client else 'unknown'}"

    def authenticate(self, request: Request) -> Response | None:
        if request.url.path == "/health":
            return None
        token = self.token_of(request)
        if token is None:
            return self.error(401, "Unauthorized", "Not authenticated: send a Bearer token "
                                                   "or an x-api-key header")
        if token != self.world.token:
            return self.error(401, "Unauthorized", "Invalid token")
        return None

    # -- routes ------------------------------------------------------------------------------
    def api_routes(self) -> list[Route]:
        return [
            Route("/health", self.health),
            Route("/api/v1/jobs", self.list_jobs),
            Route("/api/v1/jobs/lookup", self.lookup),
            Route("/api/v1/jobs/{job_id}", self.get_job),
            Route("/api/v1/jobs/{job_id}/runs", self.job_runs),
            Route("/api/v1/algorithms", self.algorithms),
            Route("/api/v1/feedback", self.list_feedback),
            Route("/api/v1/feedback/algorithms/{algorithm_id}/stats", self.algorithm_stats),
            Route("/api/{path:path}", self.unknown),  # the vendor answers unknown paths in JSON
        ]

    def _page(self, key: str, rows: list[Any], page: int, size: int,
              view: Callable[[Any], dict[str, Any]]) -> Response:
        items = [view(row) for row in rows[(page - 1) * size: page * size]]
        payload = {key: items, "page": page, "page_size": size, "total": len(rows),
                   "has_more": page * size < len(rows)}
        return self.json(payload, records=items)

    def _shift_ahead(self, page: int, page_size: int, rows: list[Any],
                     insert: Callable[[Any], object]) -> bool:
        """page_shift: add records just behind the cursor (the last record already served)."""
        if page <= 1 or not rows:
            return False
        count = self.page_shift()
        if not count:
            return False
        anchor = rows[min((page - 1) * page_size, len(rows)) - 1]
        for _ in range(count):
            insert(anchor)
        self.invalidate()
        return True

    def _job(self, request: Request) -> Job:
        try:
            job = self.snap().job(int(request.path_params["job_id"]))
        except ValueError:
            job = None
        if job is None:
            raise NotFound(f"Job {request.path_params['job_id']} not found")
        return job

    def _detail(self, job: Job) -> Response:
        view: dict[str, Any] = job.view(self.now)
        view["transcript"] = job.transcript() if job.has_transcript(self.now) else None
        return self.json(view, records=[view])

    async def health(self, request: Request) -> Response:
        return self.json({"status": "ok"})

    async def list_jobs(self, request: Request) -> Response:
        filters = (query_statuses(request), query_ts(request, "created_after", BAD_TS),
                   query_ts(request, "created_before", BAD_TS),
                   query_ts(request, "updated_after", BAD_TS))
        page, size = paging(request)
        rows = self.snap().job_rows(*filters)
        if self._shift_ahead(page, size, rows,
                             lambda row: self.world.shift_job(row[3], self.now)):
            rows = self.snap().job_rows(*filters)
        return self._page("jobs", rows, page, size, lambda row: row[3].view(self.now))

    async def get_job(self, request: Request) -> Response:
        return self._detail(self._job(request))

    async def job_runs(self, request: Request) -> Response:
        items = [r.view(self.now) for r in self.snap().runs(self._job(request))]
        return self.json({"runs": items}, records=items)

    async def lookup(self, request: Request) -> Response:
        call_id = request.query_params.get("source_call_id")
        company_id = request.query_params.get("source_company_id")
        if not call_id or not company_id:
            raise BadRequest("source_call_id and source_company_id are both required")
        # Child jobs share their parent's source ids; the lookup answers with the original.
        jobs = [j for j in self.world.lookup.get((call_id, company_id), [])
                if j.created_at <= self.now]
        if not jobs:
            raise NotFound("No job for this source call")
        return self._detail(min(jobs, key=lambda j: j.id))

    async def algorithms(self, request: Request) -> Response:
        items = self.snap().algorithms()
        return self.json({"algorithms": items}, records=items)

    async def list_feedback(self, request: Request) -> Response:
        created_after = query_ts(request, "created_after", BAD_TS)
        page, size = paging(request)
        algorithm_id = request.query_params.get("algorithm_id") or None
        rows = self.snap().feedback_rows(algorithm_id, created_after)
        if self._shift_ahead(page, size, rows, self.world.shift_feedback):
            rows = self.snap().feedback_rows(algorithm_id, created_after)
        return self._page("feedback", rows, page, size, lambda f: f.view())

    async def algorithm_stats(self, request: Request) -> Response:
        algorithm_id = request.path_params["algorithm_id"]
        found = self.snap().algorithm_stats().get(algorithm_id)
        if found is None:
            raise NotFound(f"Algorithm {algorithm_id} not found")
        record = dict(found)
        return self.json(record, records=[record])

    async def unknown(self, request: Request) -> Response:
        raise NotFound()
