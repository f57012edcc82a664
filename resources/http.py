"""The HTTP core every source client shares: budget, retry, error mapping and counters."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from resources.budget import SharedBudget
from resources.counters import RunCounters
from resources.errors import (
    NotFound,
    SourceAuthError,
    SourceConfigError,
    SourceRequestError,
    SourceUnavailableError,
    TransientError,
)
from resources.retry import parse_retry_after, wait_for

LOW_REMAINING_SHARE = 0.02  # slow down before X-RateLimit-Remaining reaches zero
CONNECT_TIMEOUT = 5.0
# A host that refuses connections before it ever answered is a wrong setting, not an outage:
# tried this often, then reported as such instead of being retried for half a minute.
FIRST_CONTACT_ATTEMPTS = 2


class ApiClient:
    """One source's HTTP client. Thread-safe: child resources are fetched from a pool."""

    _answered: set[str] = set()  # base URLs that answered in this process
    _answered_lock = threading.Lock()

    def __init__(
        self,
        *,
        source: str,
        base_url: str,
        headers: dict[str, str],
        budget: SharedBudget,
        secret_variable: str,
        base_url_variable: str,
        timeout: float = 30.0,
        max_attempts: int = 8,
        max_retry_after: float = 300.0,
        max_connections: int = 16,
        counters: RunCounters | None = None,
        log: logging.Logger | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.budget = budget
        self.secret_variable = secret_variable
        self.base_url_variable = base_url_variable
        self.max_attempts = max_attempts
        self.max_retry_after = max_retry_after
        self.counters = counters or RunCounters()
        self.log = log or logging.getLogger(f"interview_warehouse.{source}")
        self._contact_failures = 0
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections),
        )

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET and decode JSON; 404 raises `NotFound`, transient failures are retried."""
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=wait_for,
            retry=retry_if_exception_type(TransientError),
            before_sleep=lambda _: self.counters.add(retries=1),
            reraise=True,
        )
        try:
            return retrying(self._attempt, path, params)
        except TransientError as exc:
            raise SourceUnavailableError(
                self.source, f"GET {path} still failing after {self.max_attempts} attempts: {exc}"
            ) from None

    def _attempt(self, path: str, params: dict[str, Any] | None) -> Any:
        waited = self.budget.acquire()
        self.counters.add(requests=1, limiter_wait_seconds=waited)
        try:
            response = self._http.get(path, params=params)
        except httpx.TimeoutException:
            raise TransientError(f"timeout on GET {path}") from None
        except httpx.ConnectError as exc:
            self._first_contact_failed(exc)
            raise TransientError(f"{type(exc).__name__} on GET {path}") from None
        except httpx.TransportError as exc:
            raise TransientError(f"{type(exc).__name__} on GET {path}") from None
        with self._answered_lock:
            self._answered.add(self.base_url)
        status = response.status_code
        self.counters.add(bytes=len(response.content))
        self._observe_rate_headers(response)
        if status == 429:
            wait = parse_retry_after(response.headers.get("retry-after"), self.max_retry_after)
            wait = 1.0 if wait is None else wait
            self.counters.add(rate_limited=1)
            self.budget.pause(wait)
            raise TransientError(f"429 on GET {path}", retry_after=wait)
        if status in (401, 403):
            raise SourceAuthError(self.source, status, self.secret_variable)
        if status == 404:
            raise NotFound(path)
        if status >= 500:
            raise TransientError(f"HTTP {status} on GET {path}")
        if status >= 400:
            raise SourceRequestError(
                self.source, f"GET {path} answered HTTP {status}: {response.text[:200]}")
        try:
            return json.loads(response.content)
        except ValueError:
            content_type = response.headers.get("content-type", "")
            if "html" in content_type.lower() or response.content.lstrip()[:1] == b"<":
                raise SourceConfigError(
                    self.source, f"{self.base_url_variable}={self.base_url} answered GET {path} "
                    f"with an HTML page (content-type {content_type or 'none'}), not JSON: is "
                    "it the API's base URL?") from None
            raise TransientError(f"truncated or invalid JSON from GET {path}") from None

    def _first_contact_failed(self, exc: httpx.ConnectError) -> None:
        with self._answered_lock:
            if self.base_url in self._answered:
                return
        self._contact_failures += 1
        if self._contact_failures >= FIRST_CONTACT_ATTEMPTS:
            reason = str(exc).split("] ")[-1] or type(exc).__name__
            raise SourceConfigError(
                self.source, f"nothing answers at {self.base_url_variable}={self.base_url} "
                f"({reason}); is the host up and the URL right?") from None

    def _observe_rate_headers(self, response: httpx.Response) -> None:
        remaining = response.headers.get("x-ratelimit-remaining")
        limit = response.headers.get("x-ratelimit-limit")
        reset = response.headers.get("x-ratelimit-reset")
        if remaining is None or limit is None or reset is None:
            return
        try:
            low = int(remaining) <= max(1, int(int(limit) * LOW_REMAINING_SHARE))
            wait = float(reset) - time.time()
        except ValueError:
            return
        if low and wait > 0:
            self.budget.pause(min(wait, self.max_retry_after))
