"""The Genway API: auth by key and tenant, the read endpoints, and Genway's error format.

Every route is a `Route(path, self.handler)` in `api_routes`; handlers raise `ApiError` to
refuse, and `error` renders it as `{"error", "message"}`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.http import ApiError, NotFound
from simulators.core.simulator import Simulator
from simulators.genway import truth
from simulators.genway.content import MEDIA_TYPES
from simulators.genway.models import Interview
from simulators.genway.snapshot import Snapshot
from simulators.genway.world import GenwayWorld


class GenwaySimulator(Simulator[GenwayWorld, Snapshot]):
    name = "genway"
    default_port = 8701
    documented_limit = 50
    optional_fields = frozenset({"started_at", "ended_at", "duration_seconds"})
    numeric_fields = frozenset({"duration_seconds"})

    world_type = GenwayWorld
    snapshot_type = Snapshot

    def truth_records(self) -> dict[str, dict[str, Any]]:
        return truth.records(self.snap())

    def env_lines(self, base_url: str) -> list[str]:
        pairs = ",".join(f"{t}:{k}" for t, k in self.world.tenants.items())
        return [f"GENWAY_BASE_URL={base_url}/v1", f"GENWAY_TENANTS={pairs}",
                f"GENWAY_REQUESTS_PER_MINUTE={self.requests_per_minute()}"]

    # -- auth and errors -------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"error": short, "message": message or short}, status=status)

    def too_many_requests(self, wait: float) -> Response:
        response = self.json({"error": "Too Many Requests",
                              "message": "Rate limit of 50 requests per minute exceeded",
                              "retry_after": self.retry_after_value(wait)}, status=429)
        response.headers["Retry-After"] = self.retry_after_header(wait)
        return response

    def authenticate(self, request: Request) -> Response | None:
        key, tenant = request.headers.get("x-api-key"), request.headers.get("x-tenant-id")
        if not key or not tenant:
            return self.error(401, "Unauthorized", "X-Api-Key and X-Tenant-Id are required")
        owner = next((t for t, k in self.world.tenants.items() if k == key), None)
        if owner is None:
            return self.error(401, "Unauthorized", "Invalid API key")
        if owner != tenant:
            return self.error(403, "Forbidden", "This API key does not belong to the tenant")
        return None

    # -- routes ------------------------------------------------------------------------------
    def api_routes(self) -> list[Route]:
        base = "/v1/interviews/{interview_id}"
        return [
            Route("/v1/projects", self.list_projects),
            Route("/v1/interviews", self.list_interviews),
            Route(base, self.get_interview),
            Route(base + "/transcript-export", self.transcript_export),
            Route(base + "/summary-export", self.summary_export),
            Route(base + "/audio-export", self.audio_export),
            Route(base + "/video-export", self.video_export),
        ]

    async def list_projects(self, request: Request) -> Response:
        items = [p.view(self.now) for p in self.snap().projects(request.headers["x-tenant-id"])]
        return self.json({"data": items}, records=items)

    async def list_interviews(self, request: Request) -> Response:
        project_id = request.query_params.get("project_id")
        wanted: dict[str, set[str]] = {}
        for key, value in request.query_params.multi_items():
            if key.startswith("external_metadata[") and key.endswith("]"):
                wanted.setdefault(key[len("external_metadata["):-1], set()).add(value)
        items = [
            i.list_item() for i in self.snap().listing(request.headers["x-tenant-id"])
            if (project_id is None or i.project_id == project_id)
            and all(i.external_metadata.get(k) in values for k, values in wanted.items())
        ]
        return self.json({"data": items}, records=items)

    def _interview(self, request: Request) -> Interview:
        found = self.snap().interview(request.path_params["interview_id"],
                                      request.headers["x-tenant-id"])
        if found is None:
            raise NotFound("Interview not found")
        return found

    def _completed(self, request: Request) -> Interview:
        interview = self._interview(request)
        if interview.status(self.now) != "completed":
            raise ApiError(409, "Not Ready", "The interview is not completed yet")
        return interview

    async def get_interview(self, request: Request) -> Response:
        view = self._interview(request).view(self.now)
        return self.json(view, records=[view])

    async def transcript_export(self, request: Request) -> Response:
        return self.json(self._completed(request).transcript())

    async def summary_export(self, request: Request) -> Response:
        return self.json(self._completed(request).summary())

    def _media(self, request: Request, kind: str) -> Response:
        interview = self._interview(request)
        if not self.snap().has_media(interview, kind):
            raise NotFound(f"No {kind} for this interview")
        return Response(interview.media(kind), media_type=MEDIA_TYPES[kind])

    async def audio_export(self, request: Request) -> Response:
        return self._media(request, "audio")

    async def video_export(self, request: Request) -> Response:
        return self._media(request, "video")
