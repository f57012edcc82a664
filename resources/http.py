"""The HTTP core every source client shares: budget, retry, error mapping and counters."""

from __future__ import annotations

import functools
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import certifi
import httpx
import ijson
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

T = TypeVar("T")
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
            base_url=self.base_url, headers=headers, transport=transport, verify=_tls(),
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections),
        )

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET and decode JSON; 404 raises `NotFound`, transient failures are retried."""
        return self._retrying(path, lambda: self._decode(path, self._send(path, params)))

    def get_items(self, path: str, params: dict[str, Any] | None, key: str
                  ) -> Iterator[dict[str, Any]]:
        """The items of the array at the body's top-level `key`, parsed one at a time as they
        arrive (a bulk export never sits whole in memory). A failure part-way reads the body
        again from the start, so an item can come twice: callers dedupe by id."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                yield from self._stream(path, params, key)
                return
            except TransientError as exc:
                if attempt == self.max_attempts:
                    raise SourceUnavailableError(
                        self.source, f"GET {path} still failing after {attempt} attempts: "
                        f"{exc}") from None
                self.counters.add(retries=1)
                time.sleep(0.0 if exc.retry_after is not None else min(2.0 ** attempt / 4, 20))

    def _retrying(self, path: str, attempt: Callable[[], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts), wait=wait_for,
            retry=retry_if_exception_type(TransientError),
            before_sleep=lambda _: self.counters.add(retries=1), reraise=True)
        try:
            return retrying(attempt)
        except TransientError as exc:
            raise SourceUnavailableError(
                self.source, f"GET {path} still failing after {self.max_attempts} attempts: {exc}"
            ) from None

    def _send(self, path: str, params: dict[str, Any] | None, stream: bool = False
              ) -> httpx.Response:
        """One request through the budget; errors mapped; a 200 response, read unless
        `stream`."""
        waited = self.budget.acquire()
        self.counters.add(requests=1, limiter_wait_seconds=waited)
        try:
            request = self._http.build_request("GET", path, params=params)
            response = self._http.send(request, stream=stream)
        except httpx.TimeoutException:
            raise TransientError(f"timeout on GET {path}") from None
        except httpx.ConnectError as exc:
            self._first_contact_failed(exc)
            raise TransientError(f"{type(exc).__name__} on GET {path}") from None
        except httpx.TransportError as exc:
            raise TransientError(f"{type(exc).__name__} on GET {path}") from None
        with self._answered_lock:
            self._answered.add(self.base_url)
        if response.status_code != 200:
            try:
                response.read()
            except httpx.TransportError as exc:
                raise TransientError(f"{type(exc).__name__} on GET {path}") from None
            finally:
                response.close()
            self._refuse(path, response)
        self._observe_rate_headers(response)
        return response

    def _refuse(self, path: str, response: httpx.Response) -> None:
        status = response.status_code
        if status == 429:
            wait = parse_retry_after(response.headers.get("retry-after"), self.max_retry_after)
            wait = 1.0 if wait is None else wait
            self.counters.add(rate_limited=1)
            self.budget.refused(wait)
            raise TransientError(f"429 on GET {path}", retry_after=wait)
        if status in (401, 403):
            raise SourceAuthError(self.source, status, self.secret_variable)
        if status == 404:
            raise NotFound(path)
        if status >= 500:
            raise TransientError(f"HTTP {status} on GET {path}")
        if status >= 300:
            raise SourceRequestError(
                self.source, f"GET {path} answered HTTP {status}: {response.text[:200]}")

    def _decode(self, path: str, response: httpx.Response) -> Any:
        self.counters.add(bytes=len(response.content))
        try:
            return json.loads(response.content)
        except ValueError:
            self._not_json(path, response.headers.get("content-type", ""),
                           response.content.lstrip()[:1])
            raise TransientError(f"truncated or invalid JSON from GET {path}") from None

    def _stream(self, path: str, params: dict[str, Any] | None, key: str
                ) -> Iterator[dict[str, Any]]:
        response = self._send(path, params, stream=True)
        counted = _Counted(response.iter_bytes())
        try:
            yield from ijson.items(counted, f"{key}.item", use_float=True)
        except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
            self._not_json(path, response.headers.get("content-type", ""), counted.first[:1])
            raise TransientError(f"truncated or invalid JSON from GET {path}: {exc}") from None
        except httpx.TransportError as exc:
            raise TransientError(f"{type(exc).__name__} while reading GET {path}") from None
        finally:
            self.counters.add(bytes=counted.total)
            response.close()

    def _not_json(self, path: str, content_type: str, first: bytes) -> None:
        """An HTML page where JSON belongs is a wrong base URL, not a transient failure."""
        if "html" in content_type.lower() or first == b"<":
            raise SourceConfigError(
                self.source, f"{self.base_url_variable}={self.base_url} answered GET {path} "
                f"with an HTML page (content-type {content_type or 'none'}), not JSON: is it "
                "the API's base URL?")

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


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: building one reads the CA bundle (~50 ms)."""
    return ssl.create_default_context(cafile=certifi.where())


class _Counted:
    """A file-like view of a byte stream, for ijson; counts what it read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._rest, self.total, self.first = chunks, b"", 0, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._rest) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self.first = self.first or chunk.lstrip()
            self._rest += chunk
        out, self._rest = (self._rest, b"") if size < 0 else (self._rest[:size], self._rest[size:])
        self.total += len(out)
        return out
