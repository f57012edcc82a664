"""HTTP pieces every vendor app uses: compact JSON, errors raised by handlers, query parsing.

Handlers raise `ApiError` instead of returning an error response, so that a lookup helper can
refuse a request from any depth; the simulator renders the error in its vendor's own format.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

from starlette.requests import Request

from simulators.core.clock import parse_ts

T = TypeVar("T")


def json_bytes(payload: Any) -> bytes:
    """The vendors' wire format: UTF-8 as is, no spaces."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class ApiError(Exception):
    """An answer other than 200, in the vendor's error format (see `Simulator.error`)."""

    def __init__(self, status: int, short: str, message: str = "") -> None:
        super().__init__(message or short)
        self.status, self.short, self.message = status, short, message


class NotFound(ApiError):
    def __init__(self, message: str = "") -> None:
        super().__init__(404, "Not Found", message)


class BadRequest(ApiError):
    """A query parameter the API refuses."""

    def __init__(self, message: str) -> None:
        super().__init__(400, "Bad Request", message)


def query_ts(request: Request, name: str, problem: str, *,
             blank_is_absent: bool = True) -> datetime | None:
    """The instant in parameter `name`, None when absent; `problem` formats `name` and `raw`.

    Gensail ignores a whitespace-only value, InterviewRelay refuses it (`blank_is_absent=False`).
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "" or (blank_is_absent and not raw.strip()):
        return None
    try:
        return parse_ts(raw)
    except ValueError as exc:
        raise BadRequest(problem.format(name=name, raw=raw)) from exc


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}")
    return value


def query_choice(request: Request, name: str, allowed: frozenset[str]) -> str | None:
    value = request.query_params.get(name)
    if value is not None and value not in allowed:
        raise BadRequest(f"{name} must be one of: {', '.join(sorted(allowed))}")
    return value


def found(record: T | None, what: str) -> T:
    """`record`, or a 404 saying which kind of record was not found."""
    if record is None:
        raise NotFound(f"{what} not found")
    return record
