"""Gensail Analytics API: what is landed, the client, and the Dagster resource.

Tokens are workspace-scoped and sent as a bearer token. Jobs list with page/page_size/has_more,
ordered by `updated_at`, and take `updated_after`: the one change feed among our sources.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, ClassVar

from resources.config import Setting, SourceResource
from resources.errors import SourceDataError
from resources.http import ApiClient
from resources.listing import Listing, ListingSpec
from resources.paginators import Keyset, PageNumber
from resources.schemas import BOOL, FLOAT, INT, STR, TS, EntitySpec, cols

SOURCE = "gensail"
DEFAULT_BASE_URL = "https://analytics-api.gensail.com"

JOBS = EntitySpec(SOURCE, "jobs", "id", cols(
    id=INT, parent_job_id=INT, workspace_id=STR, source_call_id=STR, source_company_id=STR,
    status=STR, skip_reason=STR, recording_url=STR, recording_duration=FLOAT,
    analytics_only=BOOL, created_at=TS, updated_at=TS, completed_at=TS), version="updated_at")
ALGORITHM_RUNS = EntitySpec(SOURCE, "algorithm_runs", "id", cols(
    id=INT, job_id=INT, algorithm_id=STR, status=STR, confidence_score=FLOAT,
    webhook_delivered=BOOL, created_at=TS, completed_at=TS),
    version="_parent_version", child=True, parent="jobs")
ALGORITHMS = EntitySpec(SOURCE, "algorithms", "id", cols(
    id=STR, name=STR, description=STR, version=INT, deprecated=BOOL, created_at=TS,
    updated_at=TS), version="updated_at", partitioned=False)
FEEDBACK = EntitySpec(SOURCE, "feedback", "id", cols(
    id=INT, algorithm_run_id=INT, algorithm_id=STR, job_id=INT, field=STR, created_at=TS))
ALGORITHM_STATS = EntitySpec(SOURCE, "algorithm_stats", "algorithm_id", cols(
    algorithm_id=STR, total_runs=INT, runs_with_feedback=INT, corrections=INT, accuracy=FLOAT),
    partitioned=False, parent="algorithms")
ENTITIES = (ALGORITHMS, ALGORITHM_STATS, JOBS, ALGORITHM_RUNS, FEEDBACK)

PAGE_SIZE = 200  # the contract's maximum: fewest requests per listing
_PAGES = PageNumber(PAGE_SIZE)
# Jobs are ordered by `updated_at` and filter on `updated_after` (exclusive); feedback by
# `created_at`, filtered on `created_after` (inclusive): both can be read by keyset.
JOB_LISTING = ListingSpec("/api/v1/jobs", "jobs", _PAGES,
                          Keyset(_PAGES, "updated_after", "updated_at", timedelta(seconds=1)))
FEEDBACK_LISTING = ListingSpec("/api/v1/feedback", "feedback", _PAGES,
                               Keyset(_PAGES, "created_after", "created_at"))


class GensailClient:
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.counters = api.counters

    def close(self) -> None:
        self.api.close()

    def jobs(self, **params: Any) -> Listing:
        """Jobs; params: status, created_after, created_before, updated_after."""
        return JOB_LISTING.read(self.api, params)

    def job(self, job_id: int) -> dict[str, Any]:
        return self.api.get_json(f"/api/v1/jobs/{job_id}")

    def runs(self, job_id: int) -> list[dict[str, Any]]:
        return self._list(f"/api/v1/jobs/{job_id}/runs", "runs")

    def algorithms(self) -> list[dict[str, Any]]:
        return self._list("/api/v1/algorithms", "algorithms")

    def feedback(self, **params: Any) -> Listing:
        """Feedback; params: algorithm_id, created_after."""
        return FEEDBACK_LISTING.read(self.api, params)

    def algorithm_stats(self, algorithm_id: str) -> dict[str, Any]:
        return self.api.get_json(f"/api/v1/feedback/algorithms/{algorithm_id}/stats")

    def probe(self) -> None:
        """One cheap request: the settings reach the API and the token is valid."""
        self.algorithms()

    def _list(self, path: str, key: str) -> list[dict[str, Any]]:
        body = self.api.get_json(path)
        self.counters.add(pages=1)
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise SourceDataError(SOURCE, path, key, "the answer has no list here")
        return items


class GensailResource(SourceResource):
    """Gensail API access. Settings come from GENSAIL_* environment variables via `dg.EnvVar`."""

    source: ClassVar[str] = SOURCE
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("base_url", "GENSAIL_BASE_URL", "Gensail Analytics API root",
                default=DEFAULT_BASE_URL),
        Setting("api_token", "GENSAIL_API_TOKEN", "bearer token", required=True, secret=True),
        Setting("requests_per_minute", "GENSAIL_REQUESTS_PER_MINUTE", "budget for the host",
                default="120"),
    )

    api_token: str | None = None
    cursor_overlap_minutes: int = 60  # re-read this much before the high-water mark

    def client(self, log: logging.Logger | None = None) -> GensailClient:
        return GensailClient(self.api({"Authorization": f"Bearer {self.value('api_token')}"},
                                      log))
