"""Gensail Analytics API: client and Dagster resource.

Tokens are workspace-scoped and sent as a bearer token. Jobs list with page/page_size/has_more,
ordered by `updated_at`, and take `updated_after`: the one change feed among our sources.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from resources.budget import SharedBudget
from resources.config import budget_name, is_unset, positive_number, require
from resources.errors import SourceDataError
from resources.http import ApiClient
from resources.paginators import page_number_pages

SOURCE = "gensail"
DEFAULT_BASE_URL = "https://analytics-api.gensail.com"
PAGE_SIZE = 200  # the contract's maximum: fewest requests per listing


class GensailClient:
    def __init__(self, base_url: str, token: str, requests_per_minute: float,
                 timeout: float = 30.0, log: logging.Logger | None = None) -> None:
        budget = SharedBudget.get(budget_name(SOURCE, base_url), requests_per_minute)
        self.api = ApiClient(source=SOURCE, base_url=base_url, budget=budget,
                             headers={"Authorization": f"Bearer {token}"},
                             secret_variable="GENSAIL_API_TOKEN", timeout=timeout, log=log)
        self.counters = self.api.counters

    def close(self) -> None:
        self.api.close()

    def jobs(self, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Pages of jobs; params: status, created_after, created_before, updated_after."""
        return page_number_pages(self.api, "/api/v1/jobs", params, "jobs", PAGE_SIZE)

    def job(self, job_id: int) -> dict[str, Any]:
        return self.api.get_json(f"/api/v1/jobs/{job_id}")

    def runs(self, job_id: int) -> list[dict[str, Any]]:
        return self._list(f"/api/v1/jobs/{job_id}/runs", "runs")

    def algorithms(self) -> list[dict[str, Any]]:
        return self._list("/api/v1/algorithms", "algorithms")

    def feedback(self, **params: Any) -> Iterator[list[dict[str, Any]]]:
        """Pages of feedback; params: algorithm_id, created_after."""
        return page_number_pages(self.api, "/api/v1/feedback", params, "feedback", PAGE_SIZE)

    def algorithm_stats(self, algorithm_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/v1/feedback/algorithms/{algorithm_id}/stats")

    def _list(self, path: str, key: str) -> list[dict[str, Any]]:
        body = self.api.get_json(path)
        self.counters.add(pages=1)
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise SourceDataError(SOURCE, path, key, "the answer has no list here")
        return items


class GensailResource(dg.ConfigurableResource):
    """Gensail API access. Settings come from GENSAIL_* environment variables via `dg.EnvVar`."""

    base_url: str | None = None
    api_token: str | None = None
    requests_per_minute: str | None = None
    cursor_overlap_minutes: int = 60  # re-read this much before the high-water mark
    timeout_seconds: float = 30.0
    max_concurrency: int = 8

    def is_configured(self) -> bool:
        return not is_unset(self.base_url, self.api_token, self.requests_per_minute)

    @contextmanager
    def open(self, log: logging.Logger | None = None) -> Iterator[GensailClient]:
        token = require(SOURCE, "GENSAIL_API_TOKEN", self.api_token)
        rpm = positive_number(SOURCE, "GENSAIL_REQUESTS_PER_MINUTE", self.requests_per_minute, 120)
        client = GensailClient(self.base_url or DEFAULT_BASE_URL, token, rpm,
                               self.timeout_seconds, log)
        try:
            yield client
        finally:
            client.close()
