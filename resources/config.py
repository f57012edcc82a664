"""A source's settings and the Dagster resource every source shares.

A source is *configured* when one of its required settings (credentials, and the base URL where
there is no default) is set, *skipped* when none is, and *half-configured* (an error naming the
missing variable, before any request) in between. Settings with a default (a base URL, a rate)
do not count: a copied `.env.example` with empty credentials skips every source.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import dagster as dg

from resources.budget import SharedBudget
from resources.counters import RunCounters
from resources.errors import SourceConfigError
from resources.http import ApiClient


@dataclass(frozen=True)
class Setting:
    field: str  # the resource's field
    variable: str  # the environment variable behind it
    doc: str
    default: str | None = None
    required: bool = False
    secret: bool = False


def is_unset(*values: str | None) -> bool:
    return all(value in (None, "") for value in values)


def require(source: str, variable: str, value: str | None) -> str:
    if value in (None, ""):
        raise SourceConfigError(
            source, f"{variable} is not set, but other {source} settings are; set it, or unset "
            f"every {source.upper()}_* variable to skip {source}")
    return value  # type: ignore[return-value]


def positive_number(source: str, variable: str, value: str | None, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        number = float(value)  # type: ignore[arg-type]
    except ValueError:
        raise SourceConfigError(source, f"{variable} must be a number, got {value!r}") from None
    if number <= 0:
        raise SourceConfigError(source, f"{variable} must be positive, got {value!r}")
    return number


def budget_name(source: str, base_url: str) -> str:
    """Vendors count per client IP and API host, so the budget is per (source, host)."""
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    return f"{source}-" + "".join(c if c.isalnum() else "_" for c in host)


class SourceResource(dg.ConfigurableResource):
    """One vendor API: its settings (from `dg.EnvVar`s), and `open()` for a client."""

    source: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]]

    base_url: str | None = None
    requests_per_minute: str | None = None
    timeout_seconds: float = 30.0
    max_concurrency: int = 8
    # `PIPELINE_DATABASE_URL`: the budget's timeline in PostgreSQL, shared by every host.
    database_url: str | None = None

    def is_configured(self) -> bool:
        return not is_unset(*(getattr(self, s.field) for s in self.settings if s.required))

    def value(self, field: str) -> str:
        """A required setting's value, or the error that names its variable."""
        setting = next(s for s in self.settings if s.field == field)
        value = getattr(self, field)
        if is_unset(value) and setting.default is not None:
            return setting.default
        return require(self.source, setting.variable, value)

    def rate(self) -> float:
        setting = next(s for s in self.settings if s.field == "requests_per_minute")
        return positive_number(self.source, setting.variable, self.requests_per_minute,
                               float(setting.default or 60))

    def variable(self, field: str) -> str:
        return next(s.variable for s in self.settings if s.field == field)

    def api(self, headers: dict[str, str], log: logging.Logger | None = None,
            counters: RunCounters | None = None) -> ApiClient:
        """An HTTP client of this source: its base URL, budget, credentials' variable."""
        base_url = self.value("base_url")
        return ApiClient(
            source=self.source, base_url=base_url, headers=headers,
            budget=SharedBudget.get(budget_name(self.source, base_url), self.rate(),
                                    database_url=self.database_url or None),
            secret_variable=next(s.variable for s in self.settings if s.secret),
            base_url_variable=self.variable("base_url"), timeout=self.timeout_seconds,
            counters=counters, log=log)

    def client(self, log: logging.Logger | None = None) -> Any:
        raise NotImplementedError

    @contextmanager
    def open(self, log: logging.Logger | None = None) -> Iterator[Any]:
        for setting in self.settings:
            if setting.required:
                self.value(setting.field)  # every missing variable fails before any request
        client = self.client(log)
        try:
            yield client
        finally:
            client.close()
