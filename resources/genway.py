"""Genway Public API v1: what is landed, the client, and the Dagster resource.

Every request carries `X-Api-Key` and `X-Tenant-Id`; one organisation may hold several tenants,
each with its own key (`GENWAY_TENANTS=tenant:key,tenant:key`). The limit (50/min) is per client
IP, so all tenants share one budget. Listings are unpaginated and have no date filter: a tenant's
whole interview list is one request, cheaper than one request per project, and it cannot drift.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from resources.config import Setting, SourceResource
from resources.counters import RunCounters
from resources.errors import SourceConfigError, SourceDataError
from resources.http import ApiClient
from resources.schemas import BOOL, INT, STR, TS, EntitySpec, cols

SOURCE = "genway"
DEFAULT_BASE_URL = "https://api.genway.ai/v1"

PROJECTS = EntitySpec(SOURCE, "projects", "project_id", cols(
    project_id=STR, name=STR, type=STR, status=STR, created_at=TS, updated_at=TS),
    version="updated_at", tenant=True, partitioned=False)
INTERVIEWS = EntitySpec(SOURCE, "interviews", "interview_id", cols(
    interview_id=STR, project_id=STR, status=STR, created_at=TS, updated_at=TS, started_at=TS,
    ended_at=TS, duration_seconds=INT, language=STR, has_audio=BOOL, has_video=BOOL),
    version="updated_at", tenant=True)
TRANSCRIPTS = EntitySpec(SOURCE, "transcripts", "interview_id", cols(
    interview_id=STR, language=STR), version="_parent_version", tenant=True, child=True,
    parent="interviews")
SUMMARIES = EntitySpec(SOURCE, "summaries", "interview_id", cols(
    interview_id=STR, generated_at=TS), version="_parent_version", tenant=True, child=True,
    parent="interviews")
ENTITIES = (PROJECTS, INTERVIEWS, TRANSCRIPTS, SUMMARIES)


class GenwayClient:
    def __init__(self, apis: dict[str, ApiClient], counters: RunCounters) -> None:
        """One HTTP client per tenant (its own key), sharing the source's budget and counters."""
        self.counters = counters
        self.tenants = list(apis)
        self._apis = apis

    def close(self) -> None:
        for api in self._apis.values():
            api.close()

    def list_projects(self, tenant: str) -> list[dict[str, Any]]:
        return self._data(tenant, "/projects")

    def list_interviews(self, tenant: str) -> list[dict[str, Any]]:
        return self._data(tenant, "/interviews")

    def interview(self, tenant: str, interview_id: str) -> dict[str, Any]:
        return self._apis[tenant].get_json(f"/interviews/{interview_id}")

    def transcript(self, tenant: str, interview_id: str) -> dict[str, Any]:
        return self._apis[tenant].get_json(f"/interviews/{interview_id}/transcript-export")

    def summary(self, tenant: str, interview_id: str) -> dict[str, Any]:
        return self._apis[tenant].get_json(f"/interviews/{interview_id}/summary-export")

    def probe(self) -> None:
        """One cheap request per tenant: the settings reach the API and the keys are valid."""
        for tenant in self.tenants:
            self.list_projects(tenant)

    def _data(self, tenant: str, path: str) -> list[dict[str, Any]]:
        body = self._apis[tenant].get_json(path)
        self.counters.add(pages=1)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise SourceDataError(SOURCE, path.strip("/"), "data", "the answer has no list here")
        return data


def parse_tenants(value: str) -> list[tuple[str, str]]:
    pairs = []
    for chunk in value.split(","):
        tenant, sep, key = chunk.strip().partition(":")
        if not sep or not tenant or not key:
            # Never echo the chunk: it holds a key.
            raise SourceConfigError(SOURCE, "GENWAY_TENANTS must be 'tenant_id:api_key' pairs "
                                            "separated by commas")
        pairs.append((tenant.strip(), key.strip()))
    return pairs


class GenwayResource(SourceResource):
    """Genway API access. Settings come from GENWAY_* environment variables via `dg.EnvVar`."""

    source: ClassVar[str] = SOURCE
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("base_url", "GENWAY_BASE_URL", "Genway API root", default=DEFAULT_BASE_URL),
        Setting("tenants", "GENWAY_TENANTS", "comma-separated `tenant_id:api_key` pairs",
                required=True, secret=True),
        Setting("requests_per_minute", "GENWAY_REQUESTS_PER_MINUTE", "budget for the host",
                default="50"),
    )

    tenants: str | None = None

    def client(self, log: logging.Logger | None = None) -> GenwayClient:
        counters = RunCounters()
        return GenwayClient({tenant: self.api({"X-Api-Key": key, "X-Tenant-Id": tenant}, log,
                                              counters)
                             for tenant, key in parse_tenants(self.value("tenants"))}, counters)
