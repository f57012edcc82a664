"""Retry policy: which failures are transient, and how long to wait before the next attempt."""

from __future__ import annotations

import email.utils
import time

from tenacity import RetryCallState, wait_exponential_jitter

from resources.errors import TransientError

_backoff = wait_exponential_jitter(initial=0.25, max=20.0, jitter=0.5)


def parse_retry_after(value: str | None, cap: float) -> float | None:
    """`Retry-After` as seconds: delta-seconds ("7", "0.25") or an HTTP-date; capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return min(max(seconds, 0.0), cap)


def wait_for(state: RetryCallState) -> float:
    """Exponential backoff with jitter, except after a 429: the shared budget is paused for the
    server's `Retry-After` already, so waiting again here would double it."""
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    if isinstance(error, TransientError) and error.retry_after is not None:
        return 0.0
    return _backoff(state)
