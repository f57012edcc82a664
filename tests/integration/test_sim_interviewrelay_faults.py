"""InterviewRelay simulator: rate limits, fault knobs, `advance`, determinism and the ZIP cap."""

from __future__ import annotations

import email.utils
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pipelines.sandbox import SimControl
from tests.integration.conftest import NOW

UNLIMITED = 1_000_000


def api(env: dict[str, str], timeout: float = 30) -> httpx.Client:
    return httpx.Client(base_url=env["INTERVIEWRELAY_BASE_URL"], timeout=timeout,
                        headers={"Authorization": f"Bearer {env['INTERVIEWRELAY_API_KEY']}"})


def is_error_body(response: httpx.Response) -> bool:
    body = response.json()
    return list(body) == ["error"] and isinstance(body["error"], str)


def sessions_per_project(http: httpx.Client) -> dict[str, int]:
    campaigns = http.get("/api/campaigns", params={"limit": 100}).json()
    assert campaigns["total"] <= 100
    sizes: dict[str, int] = {}
    for campaign in campaigns["campaigns"]:
        found = http.get("/api/sessions", params={"campaign_id": campaign["id"], "limit": 1})
        sizes[campaign["project_id"]] = sizes.get(campaign["project_id"], 0) + found.json()[
            "total"]
    return sizes


@pytest.fixture
def relay(sims: dict[str, SimControl]) -> SimControl:
    return sims["interviewrelay"]


# -- rate limit ------------------------------------------------------------------------------
def test_ratelimit_headers_on_every_response(sim_env: dict[str, str]) -> None:
    with api(sim_env) as http:
        responses = [http.get(path) for path in ("/api/projects", "/api/sessions",
                                                 "/api/billing/credits", "/api/sessions/x")]
        responses.append(http.get("/api/projects", headers={"Authorization": "Bearer nope"}))
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in responses]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 401]
    assert {r.headers["X-RateLimit-Limit"] for r in responses} == {"600"}
    assert remaining == sorted(remaining, reverse=True) and len(set(remaining)) == 5
    assert all(int(r.headers["X-RateLimit-Reset"]) >= time.time() - 1 for r in responses)


def test_past_the_limit_the_ip_is_blocked_for_a_whole_window(sim_env: dict[str, str],
                                                              relay: SimControl) -> None:
    relay.faults(rate_limit_per_minute=5)  # a window is 1 s at time_scale 60
    with api(sim_env) as http:
        assert all(http.get("/api/projects").status_code == 200 for _ in range(5))
        time.sleep(0.6)
        refused = http.get("/api/projects")
        assert refused.status_code == 429 and is_error_body(refused)
        assert 0.9 <= float(refused.headers["Retry-After"]) <= 1.0
        time.sleep(0.6)  # the first five have left the window; the block has not ended
        assert http.get("/api/projects").status_code == 429
        time.sleep(float(refused.headers["Retry-After"]))
        assert http.get("/api/projects").status_code == 200
    assert relay.stats()["refused"] == 2


def test_retry_after_as_http_date(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(rate_limit_per_minute=1, retry_after_format="http-date")
    with api(sim_env) as http:
        assert http.get("/api/projects").status_code == 200
        refused = http.get("/api/projects")
    assert refused.status_code == 429 and is_error_body(refused)
    until = email.utils.parsedate_to_datetime(refused.headers["Retry-After"])
    assert 0 <= (until - datetime.now(UTC)).total_seconds() <= 3


# -- the other fault knobs -----------------------------------------------------------------------
def test_error_rate(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(error_rate=1.0)
    with api(sim_env) as http:
        responses = [http.get("/api/sessions") for _ in range(5)]
    assert {r.status_code for r in responses} <= {500, 502, 503}
    assert all(is_error_body(r) for r in responses)


def test_timeout_rate(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(timeout_rate=1.0)
    started = time.monotonic()
    with api(sim_env, timeout=0.5) as http, pytest.raises(httpx.TimeoutException):
        http.get("/api/sessions")
    assert time.monotonic() - started < 3


def test_drop_rate(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(drop_rate=1.0)
    with api(sim_env, timeout=3) as http:
        with pytest.raises(httpx.TransportError) as caught:
            http.get("/api/sessions")
        assert not isinstance(caught.value, httpx.TimeoutException)


def test_malformed_rate_cuts_json_short(sim_env: dict[str, str], relay: SimControl) -> None:
    with api(sim_env) as http:
        campaign = http.get("/api/campaigns").json()["campaigns"][-1]["id"]
        intact = http.get(f"/api/campaigns/{campaign}/transcripts", params={"format": "csv"})
        relay.faults(malformed_rate=1.0)
        cut = http.get("/api/sessions")
        again = http.get(f"/api/campaigns/{campaign}/transcripts", params={"format": "csv"})
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert again.text == intact.text, "only JSON bodies are cut short"


def test_page_shift_repeats_the_previous_pages_tail(sim_env: dict[str, str],
                                                    relay: SimControl) -> None:
    before = relay.truth()["entities"]
    relay.faults(page_shift=2)
    with api(sim_env) as http:
        first = http.get("/api/sessions", params={"limit": 50}).json()
        second = http.get("/api/sessions", params={"limit": 50, "offset": 50}).json()
        projects = http.get("/api/projects", params={"limit": 2}).json()
        more = http.get("/api/projects", params={"limit": 2, "offset": 2}).json()
    after = relay.truth()["entities"]
    seen = {s["id"] for s in first["sessions"]}
    assert first["sessions"][-1]["id"] in {s["id"] for s in second["sessions"]}
    assert seen & {s["id"] for s in second["sessions"]}
    assert second["total"] == first["total"] + 2
    assert after["sessions"]["count"] == before["sessions"]["count"] + 2
    assert projects["projects"][-1]["id"] in {p["id"] for p in more["projects"]}
    assert after["projects"]["count"] == before["projects"]["count"] + 2


def test_schema_drift(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(schema_drift=True)
    with api(sim_env) as http:
        sessions = http.get("/api/sessions", params={"limit": 100}).json()["sessions"]
        projects = http.get("/api/projects").json()["projects"]
    assert all("x_sim_added" in s for s in sessions + projects)
    completed = [s for s in sessions if s["status"] == "completed"]
    abandoned = [s for s in sessions if s["status"] == "abandoned"]
    assert completed and all(isinstance(s["duration_minutes"], str) for s in completed)
    assert abandoned and all("completed_at" not in s for s in abandoned)


def test_auth_revoke_after(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.faults(auth_revoke_after=3)
    with api(sim_env) as http:
        statuses = [http.get("/api/projects") for _ in range(5)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 401, 401]
    assert is_error_body(statuses[3])


# -- time and determinism ------------------------------------------------------------------------
def live_sessions(http: httpx.Client) -> dict[str, dict[str, Any]]:
    """In-progress sessions with the number of turns their transcript shows."""
    found = {}
    for item in http.get("/api/sessions", params={"status": "in_progress", "limit": 100}).json()[
            "sessions"]:
        transcript = http.get(f"/api/session/{item['id']}/transcript")
        found[item["id"]] = {**item, "turns": len(transcript.json()["turns"])
                             if transcript.status_code == 200 else 0}
    return found


def test_advance_grows_transcripts_and_completes_sessions(sim_env: dict[str, str],
                                                          relay: SimControl) -> None:
    relay.faults(rate_limit_per_minute=UNLIMITED)
    grew: list[tuple[dict, dict]] = []
    finished: list[dict] = []
    with api(sim_env) as http:
        live = live_sessions(http)
        for _ in range(200):
            if grew and any(s["status"] == "completed" for s in finished):
                break
            relay.advance(10)
            now = live_sessions(http)
            for session_id, old in live.items():
                new = now.get(session_id)
                if new is None:
                    finished.append(http.get(f"/api/sessions/{session_id}").json())
                elif new["turns"] > old["turns"]:
                    grew.append((old, new))
            live = now
    assert grew and all(new["updated_at"] > old["updated_at"] for old, new in grew)
    assert finished and all(s["status"] in {"completed", "abandoned"} for s in finished)
    done = [s for s in finished if s["status"] == "completed"]
    assert done and all(s["completed_at"] and s["duration_minutes"] is not None for s in done)


def checksums(relay: SimControl) -> dict[str, str]:
    return {k: v["checksum"] for k, v in relay.truth()["entities"].items()}


def test_same_seed_same_truth(relay: SimControl) -> None:
    first = checksums(relay)
    relay.reset(seed=7, scale=1.0, now=NOW)
    assert checksums(relay) == first
    relay.reset(seed=8, scale=1.0, now=NOW)
    try:
        other = checksums(relay)
    finally:
        relay.reset(seed=7, scale=1.0, now=NOW)
    assert all(other[entity] != first[entity] for entity in first)


def test_zip_cap_of_500_sessions(sim_env: dict[str, str], relay: SimControl) -> None:
    relay.reset(seed=7, scale=2.0, now=NOW)
    try:
        with api(sim_env) as http:
            sizes = sessions_per_project(http)
            big, small = max(sizes, key=sizes.__getitem__), min(sizes, key=sizes.__getitem__)
            export = http.get(f"/api/projects/{big}/transcripts").json()
            too_big = http.get(f"/api/projects/{big}/transcripts",
                               params={"include_audio": "true"})
            fits = http.get(f"/api/projects/{small}/transcripts",
                            params={"include_audio": "true"})
    finally:
        relay.reset(seed=7, scale=1.0, now=NOW)
    assert sum(len(g["transcripts"]) for g in export["campaigns"]) > 500, "text has no cap"
    assert too_big.status_code == 413 and is_error_body(too_big)
    assert fits.status_code == 200 and sizes[small] <= 500
