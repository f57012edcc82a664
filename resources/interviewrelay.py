"""InterviewRelay API: what is landed, the client, and the Dagster resource.

The API lives at the customer's own origin, so the base URL is always configured. Listings page
with limit/offset/total. Transcripts come per session, or in bulk per campaign (the text export
has no session cap; only the ZIP with audio is capped at 500).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar

from resources.config import Setting, SourceResource
from resources.errors import SourceDataError
from resources.http import ApiClient
from resources.listing import Listing, ListingSpec
from resources.paginators import Keyset, Offset
from resources.schemas import BOOL, FLOAT, INT, STR, TS, EntitySpec, cols

SOURCE = "interviewrelay"

PROJECTS = EntitySpec(SOURCE, "projects", "id", cols(
    id=STR, name=STR, description=STR, created_at=TS), partitioned=False)
CAMPAIGNS = EntitySpec(SOURCE, "campaigns", "id", cols(
    id=STR, name=STR, script_id=STR, project_id=STR, status=STR, invite_valid_hours=FLOAT,
    invites_sent=INT, completed=INT, created_at=TS), partitioned=False)
BILLING_CREDITS = EntitySpec(SOURCE, "billing_credits", "updated_at", cols(
    updated_at=TS, total_credits=FLOAT, starter_credits=FLOAT, monthly_credits=FLOAT,
    topup_credits=FLOAT, currency=STR, needs_topup=BOOL, estimated_sessions_remaining=INT),
    partitioned=False)
SESSIONS = EntitySpec(SOURCE, "sessions", "id", cols(
    id=STR, campaign_id=STR, participant_email=STR, status=STR, duration_minutes=FLOAT,
    started_at=TS, completed_at=TS, updated_at=TS), version="updated_at")
TRANSCRIPTS = EntitySpec(SOURCE, "transcripts", "session_id", cols(
    session_id=STR, started_at=TS, completed_at=TS), version="_parent_version", child=True,
    parent="sessions")
SESSION_FILES = EntitySpec(SOURCE, "session_files", "session_id", cols(session_id=STR),
                           version="_parent_version", child=True, parent="sessions")
BILLING_USAGE = EntitySpec(SOURCE, "billing_usage", "date", cols(
    date=STR, sessions=INT, credits_used=INT))
ENTITIES = (PROJECTS, CAMPAIGNS, BILLING_CREDITS, BILLING_USAGE, SESSIONS, TRANSCRIPTS,
            SESSION_FILES)

PAGE_LIMIT = 100  # the contract's maximum
_PAGES = Offset(PAGE_LIMIT)
PROJECT_LISTING = ListingSpec("/api/projects", "projects", _PAGES)
CAMPAIGN_LISTING = ListingSpec("/api/campaigns", "campaigns", _PAGES)
# Sessions are ordered by `started_at` and filter on `start_date` (inclusive): keyset works.
SESSION_LISTING = ListingSpec("/api/sessions", "sessions", _PAGES,
                              Keyset(_PAGES, "start_date", "started_at"))


class InterviewRelayClient:
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.counters = api.counters

    def close(self) -> None:
        self.api.close()

    def projects(self) -> Listing:
        return PROJECT_LISTING.read(self.api)

    def campaigns(self) -> Listing:
        return CAMPAIGN_LISTING.read(self.api)

    def sessions(self, **params: Any) -> Listing:
        """Sessions; params: campaign_id, status, start_date, end_date."""
        return SESSION_LISTING.read(self.api, params)

    def campaign(self, campaign_id: str) -> dict[str, Any]:
        """The campaign with its `stats` (invites sent, started, completed, completion rate)."""
        return self.api.get_json(f"/api/campaigns/{campaign_id}")

    def session(self, session_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/sessions/{session_id}")

    def session_files(self, session_id: str) -> dict[str, Any]:
        """The session's files (transcript, audio, PDF), without their signed links: a link is
        a credential for an hour, and `/api/session/{id}/files` hands out fresh ones."""
        body = self.api.get_json(f"/api/session/{session_id}/files")
        files = body.get("files") if isinstance(body, dict) else None
        return {"session_id": session_id,
                "files": [{k: v for k, v in f.items() if k != "url"}
                          for f in files or [] if isinstance(f, dict)]}

    def billing_usage(self, start: str, end: str) -> list[dict[str, Any]]:
        """Usage per day with charges, both bounds inclusive dates."""
        body = self.api.get_json("/api/billing/usage", {"start_date": start, "end_date": end})
        self.counters.add(pages=1)
        usage = body.get("usage") if isinstance(body, dict) else None
        if not isinstance(usage, list):
            raise SourceDataError(SOURCE, "billing/usage", "usage", "the answer has no list here")
        return usage

    def transcript(self, session_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/session/{session_id}/transcript")

    def campaign_transcripts(self, campaign_id: str) -> Iterator[dict[str, Any]]:
        """Bulk JSON export of every started session of a campaign (one request), one
        transcript at a time as the body arrives."""
        self.counters.add(pages=1)
        return self.api.get_items(f"/api/campaigns/{campaign_id}/transcripts",
                                  {"format": "json"}, "transcripts")

    def billing_credits(self) -> dict[str, Any]:
        return self.api.get_json("/api/billing/credits")

    def probe(self) -> None:
        """One cheap request: the settings reach the API and the key is valid."""
        self.billing_credits()


class InterviewRelayResource(SourceResource):
    """InterviewRelay API access, from INTERVIEWRELAY_* environment variables via `dg.EnvVar`."""

    source: ClassVar[str] = SOURCE
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("base_url", "INTERVIEWRELAY_BASE_URL", "InterviewRelay API root (the "
                "customer's own origin)", required=True),
        Setting("api_key", "INTERVIEWRELAY_API_KEY", "bearer API key", required=True,
                secret=True),
        Setting("requests_per_minute", "INTERVIEWRELAY_REQUESTS_PER_MINUTE",
                "budget for the host", default="600"),
    )

    api_key: str | None = None

    def client(self, log: logging.Logger | None = None) -> InterviewRelayClient:
        return InterviewRelayClient(
            self.api({"Authorization": f"Bearer {self.value('api_key')}"}, log))
