"""InterviewRelay API simulator (contract: shared/apis/interviewrelay.md; seed 003 wins over 002).

One API key sees its projects, campaigns and sessions; another user's project exists too and
answers 404. Past 600 requests per minute from one IP the whole IP is refused for a minute.
The data model lives in `interviewrelay_model` and `_data`; billing, per-session files and the
bulk export have their own modules.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators import interviewrelay_billing as billing
from simulators.core.clock import parse_ts
from simulators.core.simulator import Simulator
from simulators.interviewrelay_data import RelayWorld, Snapshot
from simulators.interviewrelay_export import export_routes
from simulators.interviewrelay_files import (
    SIGNED_PREFIX,
    file_routes,
    root_of,
    signature_ok,
    signed_url,
)
from simulators.interviewrelay_model import Campaign, Project, Session

SESSION_STATUSES = frozenset({"in_progress", "completed", "abandoned"})
CAMPAIGN_STATUSES = frozenset({"active", "completed", "archived"})
MAX_LIMIT = 100


class BadInput(ValueError):
    """A query parameter the API answers with 400."""


class InterviewRelaySimulator(Simulator[RelayWorld, Snapshot]):
    name = "interviewrelay"
    default_port = 8703
    documented_limit = 600
    rate_block = True
    ratelimit_headers = True
    optional_fields = frozenset({"description", "duration_minutes", "completed_at",
                                 "transcript_url", "audio_url"})
    numeric_fields = frozenset({"duration_minutes"})

    # -- data --------------------------------------------------------------------------------
    def new_world(self, rng: random.Random) -> RelayWorld:
        if not hasattr(self, "api_key"):
            # Fixed for the life of the process: the key printed at start keeps working after
            # a reset to another seed, as a real key would across data changes.
            key_rng = random.Random(f"{self.seed}:{self.name}:api-key")
            self.api_key = f"ir_live_{key_rng.getrandbits(128):032x}"
        world = RelayWorld(self.seed, self.scale, self.history_start)
        world.setup(rng)
        return world

    def read(self, world: RelayWorld, now: datetime) -> Snapshot:
        return world.at(now)

    def invalidate(self) -> None:
        super().invalidate()
        self._charges: list[tuple[datetime, int]] | None = None

    def charges(self) -> list[tuple[datetime, int]]:
        if self._charges is None:
            self._charges = billing.charges(self.snap().sessions, self.now)
        return self._charges

    def credits(self) -> dict[str, Any]:
        return billing.credits(self.charges(), self.now, self.scale, self.history_start)

    def projects(self) -> list[Project]:
        found = [p for p in self.world.projects.values() if p.mine and p.created_at <= self.now]
        return sorted(found, key=lambda p: (p.created_at, p.id))

    def campaigns(self, project_id: str | None = None, status: str | None = None) -> list[Campaign]:
        found = [c for c in self.world.campaigns.values()
                 if c.mine and c.created_at <= self.now
                 and (project_id is None or c.project_id == project_id)
                 and (status is None or c.status(self.now) == status)]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def campaign_view(self, campaign: Campaign) -> dict[str, Any]:
        return campaign.view(self.now, self.snap().completed[campaign.id])

    def truth_records(self) -> dict[str, dict[str, Any]]:
        now, sessions = self.now, self.snap().sessions
        transcripts = {}
        for session in sessions:
            transcript = session.transcript(now)
            if transcript is not None:
                transcripts[session.id] = transcript
        return {
            "projects": {p.id: p.view() for p in self.projects()},
            "campaigns": {c.id: self.campaign_view(c) for c in self.campaigns()},
            "sessions": {s.id: s.view(now) for s in sessions},
            "transcripts": transcripts,
            "transcript_turns": {f"{key}:{index}": turn for key, t in transcripts.items()
                                 for index, turn in enumerate(t["turns"])},
            "billing_credits": {"credits": self.credits()},
        }

    # -- HTTP plumbing ---------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"error": message or short}, status=status)

    def authenticate(self, request: Request) -> Response | None:
        if request.url.path.startswith(SIGNED_PREFIX):
            return None if signature_ok(self, request) else self.error(
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

    def env_lines(self, base_url: str) -> list[str]:
        per_minute = round(self.documented_limit * self.time_scale)
        return [f"INTERVIEWRELAY_BASE_URL={base_url}", f"INTERVIEWRELAY_API_KEY={self.api_key}",
                f"INTERVIEWRELAY_REQUESTS_PER_MINUTE={per_minute}"]

    def api_routes(self) -> list[Route]:
        return [
            Route("/api/projects", self.list_projects),
            Route("/api/campaigns", self.list_campaigns),
            Route("/api/campaigns/{record_id}", self.get_campaign),
            Route("/api/sessions", self.list_sessions),
            Route("/api/sessions/{record_id}", self.get_session),
            Route("/api/billing/credits", self.get_credits),
            Route("/api/billing/usage", self.get_usage),
            *export_routes(self),
            *file_routes(self),
            Route("/api/{rest:path}", self.not_found),
        ]

    async def not_found(self, request: Request) -> Response:
        return self.error(404, "Not Found", "Not found")

    def _instant(self, request: Request, name: str) -> datetime | None:
        value = request.query_params.get(name)
        if value is None or value == "":
            return None
        try:
            return parse_ts(value)
        except ValueError as exc:
            raise BadInput(f"{name} must be an ISO 8601 date or date-time") from exc

    def _choice(self, request: Request, name: str, allowed: frozenset[str]) -> str | None:
        value = request.query_params.get(name)
        if value is not None and value not in allowed:
            raise BadInput(f"{name} must be one of: {', '.join(sorted(allowed))}")
        return value

    def _listing(self, request: Request, plural: str, items: Callable[[], list[Any]],
                 view: Callable[[Any], dict[str, Any]],
                 shift: Callable[[Any, int], None]) -> Response:
        try:
            limit = int(request.query_params.get("limit", 50))
            offset = int(request.query_params.get("offset", 0))
        except ValueError:
            return self.error(400, "Bad Request", "limit and offset must be integers")
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            return self.error(400, "Bad Request",
                              f"limit must be between 1 and {MAX_LIMIT}, offset >= 0")
        found = items()
        if offset > 0:
            count = self.page_shift()
            if count and found:
                # New records land 1 s before the last one the client has already seen.
                shift(found[min(offset, len(found)) - 1], count)
                self.invalidate()
                found = items()
        records = [view(item) for item in found[offset:offset + limit]]
        return self.json({plural: records, "total": len(found), "limit": limit, "offset": offset},
                         records=records)

    def project_of(self, request: Request) -> Project | None:
        project = self.world.projects.get(request.path_params["record_id"])
        return project if project and project.mine and project.created_at <= self.now else None

    def campaign_of(self, request: Request) -> Campaign | None:
        campaign = self.world.campaigns.get(request.path_params["record_id"])
        return campaign if campaign and campaign.mine and campaign.created_at <= self.now else None

    def session_of(self, request: Request) -> Session | None:
        session = self.world.sessions.get(request.path_params["record_id"])
        return session if session and session.mine and session.started_at <= self.now else None

    # -- listings and details --------------------------------------------------------------
    async def list_projects(self, request: Request) -> Response:
        return self._listing(request, "projects", self.projects, Project.view,
                             self.world.shift_projects)

    async def list_campaigns(self, request: Request) -> Response:
        try:
            status = self._choice(request, "status", CAMPAIGN_STATUSES)
        except BadInput as exc:
            return self.error(400, "Bad Request", str(exc))
        project_id = request.query_params.get("project_id")
        return self._listing(request, "campaigns", lambda: self.campaigns(project_id, status),
                             self.campaign_view, self.world.shift_campaigns)

    async def get_campaign(self, request: Request) -> Response:
        campaign = self.campaign_of(request)
        if campaign is None:
            return self.error(404, "Not Found", "Campaign not found")
        view = self.campaign_view(campaign)
        started = len(self.snap().session_list(campaign.id, None, None, None))
        view["stats"] = {"invites_sent": view["invites_sent"], "started": started,
                         "completed": view["completed"],
                         "completion_rate": round(view["completed"] / started, 2) if started
                         else 0.0}
        return self.json(view, records=[view])

    async def list_sessions(self, request: Request) -> Response:
        try:
            status = self._choice(request, "status", SESSION_STATUSES)
            start, end = self._instant(request, "start_date"), self._instant(request, "end_date")
        except BadInput as exc:
            return self.error(400, "Bad Request", str(exc))
        campaign_id = request.query_params.get("campaign_id")
        return self._listing(
            request, "sessions",
            lambda: self.snap().session_list(campaign_id, status, start, end),
            lambda s: s.view(self.now), self.world.shift_sessions)

    async def get_session(self, request: Request) -> Response:
        session = self.session_of(request)
        if session is None:
            return self.error(404, "Not Found", "Session not found")
        view = session.view(self.now)
        root = root_of(request)
        has_transcript = session.visible_count(self.now) > 0
        view["transcript_url"] = (f"{root}/api/session/{session.id}/transcript"
                                  if has_transcript else None)
        view["audio_url"] = (signed_url(self, root, session, "audio")
                             if session.has_audio_at(self.now) else None)
        return self.json(view, records=[view])

    # -- billing -----------------------------------------------------------------------------
    async def get_credits(self, request: Request) -> Response:
        credits = self.credits()
        return self.json(credits, records=[credits])

    async def get_usage(self, request: Request) -> Response:
        try:
            start, end = self._instant(request, "start_date"), self._instant(request, "end_date")
        except BadInput as exc:
            return self.error(400, "Bad Request", str(exc))
        rows = billing.usage(self.charges(), start.date() if start else None,
                             end.date() if end else None)
        return self.json({"usage": rows}, records=rows)
