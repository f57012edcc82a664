"""Genway Public API v1: client and Dagster resource.

Every request carries `X-Api-Key` and `X-Tenant-Id`; one organisation may hold several tenants,
each with its own key (`GENWAY_TENANTS=tenant:key,tenant:key`). The limit (50/min) is per client
IP, so all tenants share one budget. Listings are unpaginated and have no date filter: a tenant's
whole interview list is one request, cheaper than one request per project.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from resources.budget import SharedBudget
from resources.config import budget_name, is_unset, positive_number, require
from resources.counters import RunCounters
from resources.errors import SourceConfigError, SourceDataError
from resources.http import ApiClient

SOURCE = "genway"
DEFAULT_BASE_URL = "https://api.genway.ai/v1"


class GenwayClient:
    def __init__(self, base_url: str, tenants: list[tuple[str, str]], requests_per_minute: float,
                 timeout: float = 30.0, log: logging.Logger | None = None) -> None:
        budget = SharedBudget.get(budget_name(SOURCE, base_url), requests_per_minute)
        self.counters = RunCounters()
        self.tenants = [tenant for tenant, _ in tenants]
        self._apis = {
            tenant: ApiClient(source=SOURCE, base_url=base_url, budget=budget,
                              headers={"X-Api-Key": key, "X-Tenant-Id": tenant},
                              secret_variable="GENWAY_TENANTS", timeout=timeout,
                              counters=self.counters, log=log)
            for tenant, key in tenants
        }

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


class GenwayResource(dg.ConfigurableResource):
    """Genway API access. Settings come from GENWAY_* environment variables via `dg.EnvVar`."""

    base_url: str | None = None
    tenants: str | None = None
    requests_per_minute: str | None = None
    timeout_seconds: float = 30.0
    max_concurrency: int = 8

    def is_configured(self) -> bool:
        return not is_unset(self.base_url, self.tenants, self.requests_per_minute)

    @contextmanager
    def open(self, log: logging.Logger | None = None) -> Iterator[GenwayClient]:
        tenants = parse_tenants(require(SOURCE, "GENWAY_TENANTS", self.tenants))
        rpm = positive_number(SOURCE, "GENWAY_REQUESTS_PER_MINUTE", self.requests_per_minute, 50)
        client = GenwayClient(self.base_url or DEFAULT_BASE_URL, tenants, rpm,
                              self.timeout_seconds, log)
        try:
            yield client
        finally:
            client.close()
