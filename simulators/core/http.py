"""HTTP pieces every vendor app uses: compact JSON, errors raised by handlers, query parsing.

Handlers raise `ApiError` instead of returning an error response, so that a lookup helper can
refuse a request from any depth; the simulator renders the error in its vendor's own format.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request

from simulators.core.clock import parse_ts


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
