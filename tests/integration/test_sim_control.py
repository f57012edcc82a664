"""The `/_sim/` control plane and every fault knob (shared/apis/README.md), driven on Genway."""

from __future__ import annotations

import email.utils
import hashlib
import json
import time
from typing import Any

import httpx
import pytest

from pipelines.sandbox import SimControl
from tests.integration.conftest import NOW

UNLIMITED = 1_000_000
DEFAULTS = {"error_rate": 0.0, "timeout_rate": 0.0, "drop_rate": 0.0, "malformed_rate": 0.0,
            "rate_limit_per_minute": None, "retry_after_format": "seconds", "page_shift": 0,
            "schema_drift": False, "auth_revoke_after": None}


class Api:
    """A Genway client with the first tenant's credentials."""

    def __init__(self, env: dict[str, str], timeout: float = 10.0) -> None:
        tenant, key = env["GENWAY_TENANTS"].split(",")[0].split(":", 1)
        self.http = httpx.Client(base_url=env["GENWAY_BASE_URL"], timeout=timeout,
                                 headers={"X-Tenant-Id": tenant, "X-Api-Key": key})

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def outcome(self, path: str = "/projects") -> str:
        """What one request came to: a status, `malformed`, `dropped` or `timeout`."""
        try:
            response = self.http.get(path)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.TransportError:
            return "dropped"
        if response.status_code == 200:
            try:
                response.json()
            except ValueError:
                return "malformed"
        return str(response.status_code)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()


def control_post(sim: SimControl, path: str, body: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{sim.root}/_sim/{path}", content=content,
                      headers={"Content-Type": "application/json"}, timeout=10)


@pytest.fixture
def genway(sims: dict[str, SimControl]) -> SimControl:
    return sims["genway"]


def first_ids(env: dict[str, str]) -> list[str]:
    with Api(env) as api:
        return [i["interview_id"] for i in api.get("/interviews").json()["data"]]


# -- control plane -------------------------------------------------------------------------
def test_health(genway: SimControl) -> None:
    response = httpx.get(f"{genway.root}/_sim/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_reset_is_deterministic(genway: SimControl, sim_env: dict[str, str]) -> None:
    def checksums() -> dict[str, str]:
        return {k: v["checksum"] for k, v in genway.truth()["entities"].items()}

    first, listing = checksums(), first_ids(sim_env)
    genway.advance(600)
    genway.reset(seed=7, scale=1.0, now=NOW)
    assert checksums() == first and first_ids(sim_env) == listing
    genway.reset(seed=8, scale=1.0, now=NOW)
    other = checksums()
    assert other["projects"] != first["projects"] and other["interviews"] != first["interviews"]


def test_faults_reject_unknown_knobs_and_bad_values(genway: SimControl) -> None:
    genway.faults(error_rate=0.25, schema_drift=True)
    for body in ({"no_such_knob": 1}, {"error_rate": 1.5}, {"drop_rate": -0.1},
                 {"timeout_rate": "often"}, {"retry_after_format": "minutes"},
                 {"page_shift": -1}, {"rate_limit_per_minute": -5},
                 {"auth_revoke_after": "soon"}, {"schema_drift": "yes"},
                 {"rate_limit_per_minute": 0}, {"error_rate": True}, [1, 2], b"{not json"):
        response = control_post(genway, "faults", body)
        assert response.status_code == 400, body
        assert "error" in response.json()
    # A refused body leaves the faults as they were.
    current = httpx.get(f"{genway.root}/_sim/faults", timeout=10).json()
    assert current == {**DEFAULTS, "error_rate": 0.25, "schema_drift": True}


def test_empty_faults_body_turns_everything_off(genway: SimControl,
                                               sim_env: dict[str, str]) -> None:
    genway.faults(error_rate=1.0, malformed_rate=1.0, schema_drift=True, auth_revoke_after=0,
                  rate_limit_per_minute=1, retry_after_format="http-date", page_shift=3)
    with Api(sim_env) as api:
        assert api.outcome() != "200"
        assert genway.faults() == DEFAULTS
        assert [api.outcome() for _ in range(10)] == ["200"] * 10


def test_control_plane_is_exempt_from_faults(genway: SimControl) -> None:
    genway.faults(error_rate=1.0, drop_rate=1.0, rate_limit_per_minute=1)
    for _ in range(5):
        assert genway.health()["status"] == "ok"
    assert genway.truth()["entities"]["interviews"]["count"] > 0


# -- fault knobs ---------------------------------------------------------------------------
def test_error_rate(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(error_rate=1.0, rate_limit_per_minute=UNLIMITED)
    seen = set()
    with Api(sim_env) as api:
        for path in ["/projects", "/interviews"] * 15:
            response = api.get(path)
            seen.add(response.status_code)
            body = response.json()
            assert isinstance(body["error"], str) and isinstance(body["message"], str)
        assert seen == {500, 502, 503}
        genway.faults(error_rate=0.5, rate_limit_per_minute=UNLIMITED)
        outcomes = [api.outcome() for _ in range(200)]
    assert 60 <= outcomes.count("200") <= 140
    assert set(outcomes) == {"200", "500", "502", "503"}


def test_timeout_rate(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(timeout_rate=1.0)
    with Api(sim_env, timeout=0.5) as api:
        started = time.monotonic()
        assert api.outcome() == "timeout"
        assert time.monotonic() - started >= 0.45
        genway.faults()
        assert api.outcome() == "200"


def test_drop_rate(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(drop_rate=1.0)
    with Api(sim_env, timeout=5) as api:
        started = time.monotonic()
        with pytest.raises(httpx.TransportError) as raised:
            api.get("/projects")
        assert not isinstance(raised.value, httpx.TimeoutException)
        assert time.monotonic() - started < 2, "closed at once, not after a hang"
        genway.faults()
        assert api.outcome() == "200"


def test_malformed_rate(genway: SimControl, sim_env: dict[str, str]) -> None:
    interview_id = first_ids(sim_env)[0]
    genway.faults(malformed_rate=1.0)
    with Api(sim_env) as api:
        for path in ("/projects", "/interviews", f"/interviews/{interview_id}"):
            response = api.get(path)
            assert response.status_code == 200
            assert "json" in response.headers["content-type"] and response.content
            with pytest.raises(ValueError):
                json.loads(response.content)


def test_schema_drift(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(rate_limit_per_minute=UNLIMITED)
    with Api(sim_env) as api:
        listing = api.get("/interviews").json()["data"]
        unstarted, timed = None, None
        for item in reversed(listing):
            response = api.get(f"/interviews/{item['interview_id']}")
            detail = response.json() if response.status_code == 200 else {}
            if unstarted is None and detail.get("started_at", "") is None:
                unstarted = detail
            if timed is None and isinstance(detail.get("duration_seconds"), int):
                timed = detail
            if unstarted and timed:
                break
        assert unstarted and timed
        genway.faults(schema_drift=True, rate_limit_per_minute=UNLIMITED)
        drifted_list = api.get("/interviews").json()["data"]
        drifted = {d["interview_id"]: api.get(f"/interviews/{d['interview_id']}").json()
                   for d in (unstarted, timed)}
    assert len(drifted_list) == len(listing)
    for before, after in zip(listing, drifted_list, strict=True):
        assert set(after) > set(before) and {k: after[k] for k in before} == before
    for before in (unstarted, timed):
        after = drifted[before["interview_id"]]
        assert set(after) - set(before), "an unknown field was added"
        for key, value in before.items():
            if value is None and key in {"started_at", "ended_at", "duration_seconds"}:
                assert key not in after, f"null optional field {key} dropped"
            elif key == "duration_seconds":
                assert after[key] == str(value)
            else:
                assert after[key] == value
    assert "started_at" not in drifted[unstarted["interview_id"]]


def test_auth_revoke_after(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(auth_revoke_after=3)
    with Api(sim_env) as api:
        outcomes = [api.get("/projects") for _ in range(5)]
        assert [r.status_code for r in outcomes] == [200, 200, 200, 401, 401]
        assert set(outcomes[-1].json()) >= {"error", "message"}
        genway.faults()
        assert api.outcome() == "200"


def test_rate_limit_override(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(rate_limit_per_minute=5)
    with Api(sim_env) as api:
        assert [api.outcome() for _ in range(7)] == ["200"] * 5 + ["429"] * 2
        genway.faults(rate_limit_per_minute=200)  # more than the documented 50
        assert [api.outcome() for _ in range(120)] == ["200"] * 120


@pytest.mark.parametrize("fmt", ["seconds", "http-date"])
def test_retry_after_format(genway: SimControl, sim_env: dict[str, str], fmt: str) -> None:
    genway.faults(rate_limit_per_minute=2, retry_after_format=fmt)
    with Api(sim_env) as api:
        refused = [api.get("/projects") for _ in range(3)][-1]
    assert refused.status_code == 429
    header = refused.headers["Retry-After"]
    if fmt == "seconds":
        assert 0 < float(header) <= 1.0
    else:
        when = email.utils.parsedate_to_datetime(header)
        assert when.tzinfo is not None and abs(when.timestamp() - time.time()) < 3


def test_fault_decisions_are_deterministic(genway: SimControl, sim_env: dict[str, str]) -> None:
    knobs = {"error_rate": 0.2, "drop_rate": 0.15, "malformed_rate": 0.3,
             "rate_limit_per_minute": UNLIMITED}

    def run(seed: int) -> list[str]:
        genway.reset(seed=seed, scale=1.0, now=NOW)
        genway.faults(**knobs)
        with Api(sim_env) as api:
            # Unauthenticated when the seed changes the keys: faults fire before auth anyway.
            return [api.outcome(path) for path in ["/projects", "/interviews"] * 20]

    def faults_only(outcomes: list[str]) -> list[str]:
        return ["5xx" if o.startswith("5") else o if o == "dropped" else "-" for o in outcomes]

    first = run(7)
    assert {"200", "dropped", "malformed"} <= set(first) and set(first) & {"500", "502", "503"}
    assert run(7) == first
    # Malformed bodies need a 200, which the old keys no longer get: compare the rest.
    assert faults_only(run(8)) != faults_only(first)


# -- stats ---------------------------------------------------------------------------------
def endpoint_counts(stats: dict, fragment: str) -> dict[str, int]:
    matches = [v for k, v in stats["endpoints"].items() if k.endswith(fragment)]
    assert len(matches) == 1, stats["endpoints"]
    return matches[0]


def test_stats_count_per_endpoint_and_status(genway: SimControl,
                                             sim_env: dict[str, str]) -> None:
    assert genway.stats()["requests"] == 0 and genway.stats()["endpoints"] == {}
    ids = first_ids(sim_env)[:2]
    genway.faults(rate_limit_per_minute=4)
    with Api(sim_env) as api:
        outcomes = [api.outcome("/projects") for _ in range(8)]
        assert outcomes == ["200"] * 4 + ["429"] * 4
        genway.faults(drop_rate=1.0)
        assert api.outcome("/projects") == "dropped"
        genway.faults()
        for interview_id in ids:
            assert api.outcome(f"/interviews/{interview_id}") == "200"
    stats = genway.stats()
    assert endpoint_counts(stats, "/projects") == {"200": 4, "429": 4, "dropped": 1}
    assert endpoint_counts(stats, "/interviews") == {"200": 1}
    assert endpoint_counts(stats, "/interviews/{interview_id}") == {"200": 2}
    assert stats["requests"] == 12 and stats["served"] == 7 and stats["refused"] == 4
    genway.reset(seed=7, scale=1.0, now=NOW)
    assert genway.stats()["requests"] == 0 and genway.stats()["endpoints"] == {}


def test_peak_arrivals_in_window(genway: SimControl, sim_env: dict[str, str]) -> None:
    genway.faults(rate_limit_per_minute=3)
    with Api(sim_env) as api:
        httpx.get(f"{genway.root}/_sim/health")
        started = time.monotonic()
        outcomes = [api.outcome() for _ in range(10)]
        assert time.monotonic() - started < 0.9, "the 10 requests must fit in one window"
    window = genway.stats()["rate_limit"]
    assert outcomes.count("429") == 7
    assert window["peak_arrivals_in_window"] == 10 and window["peak_admitted_in_window"] == 3
    assert window["limit"] == 3 and window["refused"] == 7


# -- truth per entity ----------------------------------------------------------------------
def checksum(records: dict[str, Any]) -> str:
    """What `/_sim/truth` computes over an entity: sha256 of the records' JSON in id order."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(json.dumps(records[record_id], sort_keys=True).encode())
    return digest.hexdigest()


def test_truth_of_one_entity_has_the_records_behind_the_summary(
        genway: SimControl, sim_env: dict[str, str]) -> None:
    summary = genway.truth()
    for entity, expected in summary["entities"].items():
        response = httpx.get(f"{genway.root}/_sim/truth/{entity}", timeout=30)
        assert response.status_code == 200, entity
        body = response.json()
        assert set(body) == {"source", "now", "entity", "records"}
        assert (body["source"], body["now"], body["entity"]) == ("genway", summary["now"], entity)
        assert sorted(body["records"]) == expected["ids"], entity
        assert checksum(body["records"]) == expected["checksum"], entity
    # Content, not only ids: the summary text is the one the summary export serves.
    summaries = httpx.get(f"{genway.root}/_sim/truth/summaries", timeout=30).json()["records"]
    mine = [i for i in first_ids(sim_env) if i in summaries][:3]
    assert mine
    with Api(sim_env) as api:
        for interview_id in mine:
            served = api.get(f"/interviews/{interview_id}/summary-export").json()
            assert served == summaries[interview_id] and served["summary"]


def test_truth_of_an_unknown_entity_is_404(genway: SimControl) -> None:
    response = httpx.get(f"{genway.root}/_sim/truth/no_such_entity", timeout=30)
    assert response.status_code == 404
    body = response.json()
    assert "no_such_entity" in body["error"]
    assert body["entities"] == sorted(genway.truth()["entities"])


def test_truth_of_one_entity_is_exempt_from_faults(genway: SimControl) -> None:
    genway.faults(error_rate=1.0, drop_rate=1.0, rate_limit_per_minute=1)
    for _ in range(3):
        response = httpx.get(f"{genway.root}/_sim/truth/projects", timeout=30)
        assert response.status_code == 200 and response.json()["records"]
