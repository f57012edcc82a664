"""Status and retry handling of the HTTP core, against a scripted transport."""

from __future__ import annotations

import email.utils
import json
import time
from pathlib import Path

import httpx
import pytest

from resources.errors import (
    NotFound,
    SourceAuthError,
    SourceConfigError,
    SourceUnavailableError,
)
from resources.retry import parse_retry_after
from tests.unit.api_support import api


def scripted(*answers: httpx.Response | Exception):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers[min(len(calls), len(answers) - 1)]
        calls.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, calls


def test_transient_failures_are_retried(tmp_path: Path) -> None:
    handler, calls = scripted(httpx.Response(503), httpx.Response(200, content=b'{"cut'),
                              httpx.ReadTimeout("slow"), httpx.Response(200, json={"ok": 1}))
    client = api(handler, tmp_path, name="h0")
    assert client.get_json("/x") == {"ok": 1}
    assert len(calls) == 4 and client.counters.retries == 3


def test_429_pauses_for_retry_after_in_either_form(tmp_path: Path) -> None:
    date = email.utils.formatdate(time.time() + 1, usegmt=True)
    handler, calls = scripted(httpx.Response(429, headers={"Retry-After": "0.3"}),
                              httpx.Response(429, headers={"Retry-After": date}),
                              httpx.Response(200, json=[]))
    started = time.monotonic()
    client = api(handler, tmp_path, name="unit429")
    assert client.get_json("/x") == []
    assert client.counters.rate_limited == 2 and len(calls) == 3
    assert time.monotonic() - started >= 0.3  # the budget held every request back


def test_bad_credentials_are_not_retried_and_name_the_variable(tmp_path: Path) -> None:
    handler, calls = scripted(httpx.Response(401, json={"error": "no"}))
    with pytest.raises(SourceAuthError, match="UNIT_TOKEN"):
        api(handler, tmp_path, name="h1").get_json("/x")
    assert len(calls) == 1


def test_404_is_not_found(tmp_path: Path) -> None:
    handler, _ = scripted(httpx.Response(404, json={}))
    with pytest.raises(NotFound):
        api(handler, tmp_path, name="h2").get_json("/gone")


def test_html_where_json_belongs_names_the_base_url(tmp_path: Path) -> None:
    handler, calls = scripted(httpx.Response(200, text="<html></html>",
                                             headers={"content-type": "text/html"}))
    with pytest.raises(SourceConfigError, match=r"UNIT_BASE_URL=.*HTML page.*text/html"):
        api(handler, tmp_path, name="h3").get_json("/x")
    assert len(calls) == 1


def test_a_host_that_never_answered_is_a_setting_not_an_outage(tmp_path: Path) -> None:
    handler, calls = scripted(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(SourceConfigError, match="nothing answers at UNIT_BASE_URL"):
        api(handler, tmp_path, name="unit-first").get_json("/x")
    assert len(calls) == 2


def test_a_host_that_answered_before_is_retried_when_it_refuses(tmp_path: Path) -> None:
    handler, calls = scripted(httpx.Response(200, json={}), httpx.ConnectError("refused"))
    client = api(handler, tmp_path, name="unit-later", max_attempts=3)
    client.get_json("/x")
    with pytest.raises(SourceUnavailableError):
        client.get_json("/x")
    assert len(calls) == 4


@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7.0), ("0.25", 0.25), (None, None), ("soon", None), ("-3", 0.0), ("999", 300.0)])
def test_retry_after_as_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, cap=300.0) == expected


def test_retry_after_as_an_http_date() -> None:
    value = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= parse_retry_after(value, cap=300.0) <= 30


def test_a_bulk_export_is_read_item_by_item_and_again_after_a_cut(tmp_path: Path) -> None:
    body = json.dumps({"campaign": {"transcripts": "not these"},
                       "transcripts": [{"session_id": f"s{i}"} for i in range(50)]}).encode()
    json_type = {"content-type": "application/json"}
    handler, calls = scripted(httpx.Response(200, content=body[: len(body) // 2],
                                             headers=json_type),
                              httpx.Response(200, content=body, headers=json_type))
    client = api(handler, tmp_path, name="h4")
    ids = [item["session_id"] for item in client.get_items("/export", None, "transcripts")]
    assert set(ids) == {f"s{i}" for i in range(50)}  # the cut read again, nothing lost
    assert len(calls) == 2 and client.counters.retries == 1
