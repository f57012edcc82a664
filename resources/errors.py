"""Errors the pipeline reports; each names the source, and never a secret."""

from __future__ import annotations


class SourceError(Exception):
    """Base class: something went wrong talking to one source."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source


class SourceConfigError(SourceError):
    """The source is half-configured, or a setting has an invalid value."""


class SourceAuthError(SourceError):
    """401/403: the credentials were refused. Never retried."""

    def __init__(self, source: str, status: int, variable: str) -> None:
        super().__init__(
            source,
            f"the API refused the credentials (HTTP {status}); check {variable}. "
            "Bad credentials are not retried.",
        )
        self.status = status
        self.variable = variable


class SourceRequestError(SourceError):
    """A 4xx other than auth, 404 or 429: the request itself is wrong; retrying will not help."""


class SourceUnavailableError(SourceError):
    """Transient failures did not clear within the retry budget."""


class SourceDataError(SourceError):
    """A record does not fit the contract (e.g. a field that cannot be read as its type)."""

    def __init__(self, source: str, entity: str, field: str, detail: str) -> None:
        super().__init__(source, f"{entity}.{field}: {detail}")
        self.entity = entity
        self.field = field


class TransientError(Exception):
    """Retryable: 5xx, timeouts, dropped connections, truncated JSON, 429."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(Exception):
    """404 on a resource; callers that fetch children count and skip it."""
