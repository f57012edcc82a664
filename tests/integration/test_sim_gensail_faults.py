"""Gensail simulator: determinism, rate limit and every fault knob, over real HTTP.

The contract's endpoints and data are covered in test_sim_gensail.py.
"""

from __future__ import annotations

import email.utils
import json
import time
from datetime import datetime, timedelta

import httpx
import pytest

from pipelines.sandbox import SimControl
from tests.integration.conftest import NOW, TIME_SCALE

API = "/api/v1"


def client(env: dict[str, str], timeout: float = 10, **headers: str) -> httpx.Client:
    headers = headers or {"Authorization": f"Bearer {env['GENSAIL_API_TOKEN']}"}
    return httpx.Client(base_url=env["GENSAIL_BASE_URL"] + API, timeout=timeout, headers=headers)


def assert_detail(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str) and body["detail"]


@pytest.fixture
def gensail(sims: dict[str, SimControl]) -> SimControl:
    return sims["gensail"]


def test_reset_is_deterministic(gensail: SimControl) -> None:
    def checksums() -> dict[str, str]:
        return {k: v["checksum"] for k, v in gensail.truth()["entities"].items()}

    first = checksums()
    gensail.advance(600)
    gensail.reset(seed=7, scale=1.0, now=NOW)
    assert checksums() == first
    gensail.reset(seed=8, scale=1.0, now=NOW)
    other = checksums()
    assert all(other[k] != first[k] for k in ("jobs", "algorithm_runs", "feedback"))


# -- rate limit and faults -----------------------------------------------------------------
@pytest.mark.parametrize("fmt_", ["seconds", "http-date"])
def test_rate_limit_per_token(sim_env: dict[str, str], gensail: SimControl, fmt_: str) -> None:
    gensail.faults(rate_limit_per_minute=3, retry_after_format=fmt_)
    with client(sim_env) as http:
        responses = [http.get("/algorithms") for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert responses[-1].json() == {"detail": "rate limit exceeded"}
        header = responses[-1].headers["Retry-After"]
        if fmt_ == "seconds":
            assert 0 < float(header) <= 60 / TIME_SCALE
        else:
            when = email.utils.parsedate_to_datetime(header)
            assert abs(when.timestamp() - time.time()) < 3
    # The window counts per token, whichever header carries it.
    with client(sim_env, **{"x-api-key": sim_env["GENSAIL_API_TOKEN"]}) as http:
        assert http.get("/algorithms").status_code == 429
    with client(sim_env, **{"x-api-key": "gs_sim_other"}) as http:
        assert_detail(http.get("/algorithms"), 401)


def test_error_timeout_drop_and_malformed(sim_env: dict[str, str], gensail: SimControl) -> None:
    with client(sim_env, timeout=0.5) as http:
        gensail.faults(error_rate=1.0)
        seen = set()
        for _ in range(20):
            response = http.get("/jobs")
            seen.add(response.status_code)
            assert set(response.json()) == {"detail"}
        assert seen == {500, 502, 503}
        gensail.faults(timeout_rate=1.0)
        with pytest.raises(httpx.TimeoutException):
            http.get("/algorithms")
        gensail.faults(drop_rate=1.0)
        with pytest.raises(httpx.TransportError) as raised:
            http.get("/algorithms")
        assert not isinstance(raised.value, httpx.TimeoutException)
        gensail.faults(malformed_rate=1.0)
        response = http.get("/jobs")
        assert response.status_code == 200
        with pytest.raises(ValueError):
            json.loads(response.content)
        gensail.faults()
        assert http.get("/jobs").json()["jobs"]


def test_auth_revoke_after(sim_env: dict[str, str], gensail: SimControl) -> None:
    gensail.faults(auth_revoke_after=2)
    with client(sim_env) as http:
        responses = [http.get("/algorithms") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 401, 401]
    assert_detail(responses[-1], 401)


def test_schema_drift(sim_env: dict[str, str], gensail: SimControl) -> None:
    with client(sim_env) as http:
        top = http.get("/jobs").json()["jobs"]
        job_id = next(j["id"] for j in top if j["status"] == "completed"
                      and j["recording_duration"])
        gensail.faults(schema_drift=True)
        drifted = http.get("/jobs").json()["jobs"]
        runs = http.get(f"/jobs/{job_id}/runs").json()["runs"]
    for before, after in zip(top, drifted, strict=True):
        assert "x_sim_added" in after and type(after["id"]) is int
        for key, value in before.items():
            if value is None and key in {"parent_job_id", "skip_reason", "completed_at",
                                         "recording_url", "recording_duration"}:
                assert key not in after
            elif key == "recording_duration" and value is not None:
                assert after[key] == str(value)
            else:
                assert after[key] == value
    scored = [r for r in runs if r.get("confidence_score") is not None]
    assert scored and all(isinstance(r["confidence_score"], str) for r in scored)
    assert all("x_sim_added" in r and type(r["job_id"]) is int for r in runs)


def test_page_shift(sim_env: dict[str, str], gensail: SimControl) -> None:
    gensail.faults(page_shift=2)
    with client(sim_env) as http:
        first, second = (http.get("/jobs", params={"page": p, "page_size": 20}).json()
                         for p in (1, 2))
        page_one = [j["id"] for j in first["jobs"]]
        repeated = [j["id"] for j in second["jobs"] if j["id"] in page_one]
        # The records were inserted behind the cursor: page 1's tail slides onto page 2.
        assert repeated and repeated == page_one[-len(repeated):]
        assert second["total"] == first["total"] + 2
        fb1, fb2 = (http.get("/feedback", params={"page": p, "page_size": 20}).json()
                    for p in (1, 2))
        assert {f["id"] for f in fb1["feedback"]} & {f["id"] for f in fb2["feedback"]}
        assert fb2["total"] == fb1["total"] + 2
    truth = gensail.truth()["entities"]
    assert truth["jobs"]["count"] == second["total"]
    assert truth["feedback"]["count"] == fb2["total"]
    inserted = {e: [i for i in truth[e]["ids"] if int(i) >= 900_000_000]
                for e in ("jobs", "feedback")}
    assert [len(ids) for ids in inserted.values()] == [2, 2], "real records from now on"
    # Placed just behind the cursor: 1 s before the last record page 1 served.
    job_key = ts(first["jobs"][-1]["updated_at"]) - timedelta(seconds=1)
    feedback_key = ts(fb1["feedback"][-1]["created_at"]) - timedelta(seconds=1)
    with client(sim_env) as http:
        for job_id in inserted["jobs"]:
            assert ts(http.get(f"/jobs/{job_id}").json()["updated_at"]) == job_key
        listed = http.get("/feedback", params={"created_after": feedback_key.isoformat(),
                                               "page_size": 200}).json()["feedback"]
    assert {str(f["id"]) for f in listed if ts(f["created_at"]) == feedback_key} >= set(
        inserted["feedback"])


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
