"""InterviewRelay API: client and Dagster resource.

The API lives at the customer's own origin, so the base URL is always configured. Listings page
with limit/offset/total. Transcripts come per session, or in bulk per campaign (the text export
has no session cap; only the ZIP with audio is capped at 500).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from resources.budget import SharedBudget
from resources.config import budget_name, is_unset, positive_number, require
from resources.http import ApiClient
from resources.paginators import offset_pages

SOURCE = "interviewrelay"
PAGE_LIMIT = 100  # the contract's maximum


class InterviewRelayClient:
    def __init__(self, base_url: str, api_key: str, requests_per_minute: float,
                 timeout: float = 30.0, log: logging.Logger | None = None) -> None:
        budget = SharedBudget.get(budget_name(SOURCE, base_url), requests_per_minute)
        self.api = ApiClient(source=SOURCE, base_url=base_url, budget=budget,
                             headers={"Authorization": f"Bearer {api_key}"},
                             secret_variable="INTERVIEWRELAY_API_KEY", timeout=timeout, log=log)
        self.counters = self.api.counters

    def close(self) -> None:
        self.api.close()

    def projects(self) -> Iterator[list[dict[str, Any]]]:
        return offset_pages(self.api, "/api/projects", {}, "projects", PAGE_LIMIT)

    def campaigns(self) -> Iterator[list[dict[str, Any]]]:
        return offset_pages(self.api, "/api/campaigns", {}, "campaigns", PAGE_LIMIT)

    def sessions(self, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Pages of sessions; params: campaign_id, status, start_date, end_date."""
        return offset_pages(self.api, "/api/sessions", params, "sessions", PAGE_LIMIT)

    def session(self, session_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/sessions/{session_id}")

    def transcript(self, session_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/session/{session_id}/transcript")

    def campaign_transcripts(self, campaign_id: str) -> dict[str, Any]:
        """Bulk JSON export of every started session of a campaign: one request."""
        body = self.api.get_json(f"/api/campaigns/{campaign_id}/transcripts", {"format": "json"})
        self.counters.add(pages=1)
        return body

    def billing_credits(self) -> dict[str, Any]:
        return self.api.get_json("/api/billing/credits")


class InterviewRelayResource(dg.ConfigurableResource):
    """InterviewRelay API access, from INTERVIEWRELAY_* environment variables via `dg.EnvVar`."""

    base_url: str | None = None
    api_key: str | None = None
    requests_per_minute: str | None = None
    timeout_seconds: float = 30.0
    max_concurrency: int = 8

    def is_configured(self) -> bool:
        return not is_unset(self.base_url, self.api_key, self.requests_per_minute)

    @contextmanager
    def open(self, log: logging.Logger | None = None) -> Iterator[InterviewRelayClient]:
        base_url = require(SOURCE, "INTERVIEWRELAY_BASE_URL", self.base_url)
        api_key = require(SOURCE, "INTERVIEWRELAY_API_KEY", self.api_key)
        rpm = positive_number(SOURCE, "INTERVIEWRELAY_REQUESTS_PER_MINUTE",
                              self.requests_per_minute, 600)
        client = InterviewRelayClient(base_url, api_key, rpm, self.timeout_seconds, log)
        try:
            yield client
        finally:
            client.close()
