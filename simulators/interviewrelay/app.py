"""The InterviewRelay API: bearer-key auth, limit/offset listings, `{"error"}` errors.

Every route is a `Route(path, self.handler)` in `api_routes`; handlers raise `ApiError` to
refuse. Billing, signed files and bulk exports are built by their own modules; the handlers
here find the record, read the query and choose the response.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.http import BadRequest, NotFound, found, query_choice, query_ts
from simulators.core.simulator import Simulator
from simulators.interviewrelay import files, truth
from simulators.interviewrelay.content import AUDIO_TYPE
from simulators.interviewrelay.exports import Export, options
from simulators.interviewrelay.models import Project, Session
from simulators.interviewrelay.snapshot import Snapshot
from simulators.interviewrelay.world import RelayWorld

SESSION_STATUSES = frozenset({"in_progress", "completed", "abandoned"})
CAMPAIGN_STATUSES = frozenset({"active", "completed", "archived"})
MAX_LIMIT = 100
BAD_DATE = "{name} must be an ISO 8601 date or date-time"
T = TypeVar("T")


def query_dates(request: Request) -> tuple[datetime | None, datetime | None]:
    return (query_ts(request, "start_date", BAD_DATE, blank_is_absent=False),
            query_ts(request, "end_date", BAD_DATE, blank_is_absent=False))


class InterviewRelaySimulator(Simulator[RelayWorld, Snapshot]):
    name = "interviewrelay"
    default_port = 8703
    documented_limit = 600
    rate_block = True
    ratelimit_headers = True
    optional_fields = frozenset({"description", "duration_minutes", "completed_at",
                                 "transcript_url", "audio_url"})
    numeric_fields = frozenset({"duration_minutes"})
    world_type = RelayWorld
    snapshot_type = Snapshot

    def new_world(self, rng: random.Random) -> RelayWorld:
        if not hasattr(self, "api_key"):
            # Fixed for the life of the process: the key printed at start keeps working after
            # a reset to another seed, as a real key would across data changes.
            key_rng = random.Random(f"{self.seed}:{self.name}:api-key")
            self.api_key = f"ir_live_{key_rng.getrandbits(128):032x}"
        return super().new_world(rng)

    def truth_records(self) -> dict[str, dict[str, Any]]:
        return truth.records(self.snap())

    def env_lines(self, base_url: str) -> list[str]:
        return [f"INTERVIEWRELAY_BASE_URL={base_url}", f"INTERVIEWRELAY_API_KEY={self.api_key}",
                f"INTERVIEWRELAY_REQUESTS_PER_MINUTE={self.requests_per_minute()}"]

    # -- auth and errors -------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"error": message or short}, status=status)

    def authenticate(self, request: Request) -> Response | None:
        if request.url.path.startswith(files.SIGNED_PREFIX):
            return None if files.signature_ok(self.api_key, request, self.now) else self.error(
                401, "Unauthorized", "Invalid or expired download signature")
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            return self.error(401, "Unauthorized", "Missing Authorization header")
        if scheme.lower() != "bearer" or not token.strip():
            return self.error(401, "Unauthorized", "Malformed Authorization header; "
                              "expected 'Bearer <token>'")
        if token.strip() != self.api_key:
            return self.error(401, "Unauthorized", "Invalid, expired or revoked token")
        return None

    # -- routes ------------------------------------------------------------------------------
    def api_routes(self) -> list[Route]:
        return [
            Route("/api/projects", self.list_projects),
            Route("/api/campaigns", self.list_campaigns),
            Route("/api/campaigns/{record_id}", self.get_campaign),
            Route("/api/sessions", self.list_sessions),
            Route("/api/sessions/{record_id}", self.get_session),
            Route("/api/billing/credits", self.get_credits),
            Route("/api/billing/usage", self.get_usage),
            Route("/api/campaigns/{record_id}/transcripts", self.export_campaign),
            Route("/api/projects/{record_id}/transcripts", self.export_project),
            Route("/api/session/{record_id}/transcript", self.session_transcript),
            Route("/api/session/{record_id}/pdf", self.session_pdf),
            Route("/api/session/{record_id}/files", self.session_files),
            Route(files.SIGNED_PREFIX + "{record_id}/{kind}", self.download),
            Route("/api/{rest:path}", self.not_found),
        ]

    def _listing(self, request: Request, plural: str, items: Callable[[], list[T]],
                 view: Callable[[T], dict[str, Any]], shift: Callable[[T, int], None]) -> Response:
        try:
            limit = int(request.query_params.get("limit", 50))
            offset = int(request.query_params.get("offset", 0))
        except ValueError as exc:
            raise BadRequest("limit and offset must be integers") from exc
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, offset >= 0")
        listed = items()
        if offset > 0:
            count = self.page_shift()
            if count and listed:
                # New records land 1 s before the last one the client has already seen.
                shift(listed[min(offset, len(listed)) - 1], count)
                self.invalidate()
                listed = items()
        records = [view(item) for item in listed[offset:offset + limit]]
        return self.json({plural: records, "total": len(listed), "limit": limit,
                          "offset": offset}, records=records)

    def _session(self, request: Request) -> Session | None:
        return self.snap().session(request.path_params["record_id"])

    async def list_projects(self, request: Request) -> Response:
        return self._listing(request, "projects", lambda: self.snap().projects(), Project.view,
                             self.world.shift_projects)

    async def list_campaigns(self, request: Request) -> Response:
        status = query_choice(request, "status", CAMPAIGN_STATUSES)
        project_id = request.query_params.get("project_id")
        return self._listing(request, "campaigns",
                             lambda: self.snap().campaigns(project_id, status),
                             lambda c: self.snap().campaign_view(c), self.world.shift_campaigns)

    async def get_campaign(self, request: Request) -> Response:
        campaign = found(self.snap().campaign(request.path_params["record_id"]), "Campaign")
        view = self.snap().campaign_detail(campaign)
        return self.json(view, records=[view])

    async def list_sessions(self, request: Request) -> Response:
        status = query_choice(request, "status", SESSION_STATUSES)
        start, end = query_dates(request)
        campaign_id = request.query_params.get("campaign_id")
        return self._listing(request, "sessions",
                             lambda: self.snap().session_list(campaign_id, status, start, end),
                             lambda s: s.view(self.now), self.world.shift_sessions)

    async def get_session(self, request: Request) -> Response:
        session = found(self._session(request), "Session")
        view = {**session.view(self.now),
                **files.links(self.api_key, files.root_of(request), session, self.now)}
        return self.json(view, records=[view])

    # -- billing -----------------------------------------------------------------------------
    async def get_credits(self, request: Request) -> Response:
        credits = self.snap().credits()
        return self.json(credits, records=[credits])

    async def get_usage(self, request: Request) -> Response:
        start, end = query_dates(request)
        rows = self.snap().usage(start.date() if start else None, end.date() if end else None)
        return self.json({"usage": rows}, records=rows)

    # -- bulk exports --------------------------------------------------------------------------
    async def export_campaign(self, request: Request) -> Response:
        campaign = found(self.snap().campaign(request.path_params["record_id"]), "Campaign")
        return self._export(options(request), Export.of_campaign(self.snap(), campaign))

    async def export_project(self, request: Request) -> Response:
        project = found(self.snap().project(request.path_params["record_id"]), "Project")
        return self._export(options(request), Export.of_project(self.snap(), project))

    def _export(self, chosen: tuple[str, bool], export: Export) -> Response:
        fmt, with_audio = chosen
        if with_audio or fmt == "csv":
            return export.file(fmt, with_audio, self.now)
        body, records = export.body(self.now)
        return self.json(body, records=records)

    # -- per-session files -------------------------------------------------------------------
    async def session_transcript(self, request: Request) -> Response:
        session = self._session(request)
        transcript = session.transcript(self.now) if session else None
        if transcript is None:
            raise NotFound("No transcript for this session")
        return self.json(transcript, records=[transcript])

    async def session_pdf(self, request: Request) -> Response:
        session = self._session(request)
        if session is None or session.visible_count(self.now) == 0:
            raise NotFound("No transcript for this session")
        return files.pdf(session, self.now)

    async def session_files(self, request: Request) -> Response:
        session = found(self._session(request), "Session")
        return self.json({"files": files.listing(self.api_key, files.root_of(request), session,
                                                 self.now)})

    async def download(self, request: Request) -> Response:
        session, kind = self._session(request), request.path_params["kind"]
        if session is None or kind not in files.FILE_KINDS:
            raise NotFound("File not found")
        if kind == "audio":
            if not session.has_audio_at(self.now):
                raise NotFound("No audio for this session")
            return Response(session.audio(), media_type=AUDIO_TYPE)
        transcript = session.transcript(self.now)
        if transcript is None:
            raise NotFound("No transcript for this session")
        return files.pdf(session, self.now) if kind == "pdf" else self.json(transcript)

    async def not_found(self, request: Request) -> Response:
        raise NotFound("Not found")
