"""Genway simulator against its contract (shared/apis/genway.md), over real HTTP on loopback."""

from __future__ import annotations

import email.utils
import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from pipelines.sandbox import SimControl, SimulatorProcess
from tests.integration.conftest import NOW

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
FINAL = {"completed", "abandoned", "flagged"}
STATUSES = FINAL | {"scheduled", "in_progress"}
EXPORTS = ("transcript-export", "summary-export", "audio-export", "video-export")
UNLIMITED = 1_000_000


def tenants_of(env: dict[str, str]) -> list[tuple[str, str]]:
    pairs = [item.split(":", 1) for item in env["GENWAY_TENANTS"].split(",")]
    return [(tenant, key) for tenant, key in pairs]


def auth(tenant: str, key: str) -> dict[str, str]:
    return {"X-Tenant-Id": tenant, "X-Api-Key": key}


def client(env: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=env["GENWAY_BASE_URL"], timeout=10)


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_error(response: httpx.Response, status: int, short: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body
    if short is not None:
        assert body["error"] == short


@dataclass
class Snapshot:
    """Everything Genway serves at `NOW` for seed 7, read once per module (resets reproduce it)."""

    tenants: list[tuple[str, str]]
    projects: dict[str, list[dict]]  # tenant -> /projects items
    listing: dict[str, list[dict]]  # tenant -> /interviews items
    details: dict[str, dict]  # interview_id -> /interviews/{id} for those that answer 200
    missing: dict[str, int]  # listed interview_id -> status of its detail when not 200
    truth: dict[str, Any]

    def owner(self, interview_id: str) -> tuple[str, str]:
        return next(p for p in self.tenants
                    if any(i["interview_id"] == interview_id for i in self.listing[p[0]]))

    def with_status(self, status: str) -> list[str]:
        return [i for i, d in self.details.items() if d["status"] == status]


def read_all(http: httpx.Client, tenants: list[tuple[str, str]]) -> Snapshot:
    projects, listing, details, missing = {}, {}, {}, {}
    for tenant, key in tenants:
        headers = auth(tenant, key)
        projects[tenant] = http.get("/projects", headers=headers).raise_for_status().json()["data"]
        listing[tenant] = http.get("/interviews", headers=headers).raise_for_status().json()["data"]
        for item in listing[tenant]:
            response = http.get(f"/interviews/{item['interview_id']}", headers=headers)
            if response.status_code == 200:
                details[item["interview_id"]] = response.json()
            else:
                missing[item["interview_id"]] = response.status_code
    return Snapshot(tenants, projects, listing, details, missing, {})


@pytest.fixture(scope="module")
def snapshot(simulators: SimulatorProcess) -> Snapshot:
    # Read once: every test's reset to seed 7 at NOW reproduces exactly this state.
    control = simulators.controls["genway"]
    control.reset(seed=7, scale=1.0, now=NOW)
    control.faults(rate_limit_per_minute=UNLIMITED)
    with client(simulators.env) as http:
        snap = read_all(http, tenants_of(simulators.env))
    snap.truth = control.truth()["entities"]
    control.faults()
    return snap


@pytest.fixture
def genway(sims: dict[str, SimControl]) -> SimControl:
    return sims["genway"]


# -- auth and tenancy ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/projects", "/interviews", "/interviews/{id}",
                                  "/interviews/{id}/transcript-export"])
def test_auth_headers_keys_and_tenants(sim_env: dict[str, str], snapshot: Snapshot,
                                       path: str) -> None:
    (tenant, key), (other, _) = tenants_of(sim_env)
    interview_id = next(i for i in snapshot.with_status("completed")
                        if snapshot.owner(i)[0] == tenant)
    url = path.format(id=interview_id)
    with client(sim_env) as http:
        assert_error(http.get(url), 401)
        assert_error(http.get(url, headers={"X-Api-Key": key}), 401)
        assert_error(http.get(url, headers={"X-Tenant-Id": tenant}), 401)
        assert_error(http.get(url, headers=auth(tenant, "gw_not_a_key")), 401)
        assert_error(http.get(url, headers=auth(other, key)), 403)
        assert http.get(url, headers=auth(tenant, key)).status_code == 200


def test_tenant_cannot_read_another_tenants_interview(sim_env: dict[str, str],
                                                      snapshot: Snapshot) -> None:
    (tenant, key), (other, _) = snapshot.tenants
    own_ids = {i["interview_id"] for i in snapshot.listing[tenant]}
    foreign = [i for i in snapshot.with_status("completed") if snapshot.owner(i)[0] == other]
    assert foreign and not own_ids & {i["interview_id"] for i in snapshot.listing[other]}
    foreign_project = snapshot.projects[other][0]["project_id"]
    with client(sim_env) as http:
        for suffix in ("", "/transcript-export", "/summary-export", "/audio-export"):
            assert_error(http.get(f"/interviews/{foreign[0]}{suffix}",
                                  headers=auth(tenant, key)), 404)
        listed = http.get("/interviews", params={"project_id": foreign_project},
                          headers=auth(tenant, key))
        assert listed.status_code == 200 and listed.json() == {"data": []}


# -- listings ------------------------------------------------------------------------------
def test_projects_envelope_shape_and_order(snapshot: Snapshot) -> None:
    for tenant, _ in snapshot.tenants:
        items = snapshot.projects[tenant]
        assert items, "every tenant has projects"
        for project in items:
            assert {"project_id", "name", "type", "status", "created_at",
                    "updated_at"} <= project.keys()
            assert project["type"] in {"contextual_interview", "prototype_testing"}
            assert project["status"] in {"draft", "active", "paused", "completed"}
            assert TS.match(project["created_at"]) and TS.match(project["updated_at"])
            assert project["updated_at"] >= project["created_at"]
        keys = [(ts(p["created_at"]), p["project_id"]) for p in items]
        assert keys == sorted(keys)
        project_ids = {p["project_id"] for p in items}
        assert {i["project_id"] for i in snapshot.listing[tenant]} <= project_ids


def test_interview_listing_items_and_order(snapshot: Snapshot) -> None:
    everything = []
    for tenant, _ in snapshot.tenants:
        items = snapshot.listing[tenant]
        assert items
        for item in items:
            assert set(item) == {"interview_id", "project_id", "created_at"}
            assert TS.match(item["created_at"]) and ts(item["created_at"]) <= ts(NOW)
        keys = [(ts(i["created_at"]), i["interview_id"]) for i in items]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        everything += items
    # The cases an incremental cursor must get right are present in the data.
    stamps = Counter(i["created_at"] for i in everything)
    assert max(stamps.values()) >= 2, "some interviews share a created_at"
    assert any(s.endswith("T00:00:00Z") for s in stamps), "some are created at midnight UTC"


def test_listing_filters(sim_env: dict[str, str], genway: SimControl,
                         snapshot: Snapshot) -> None:
    tenant, key = snapshot.tenants[0]
    genway.faults(rate_limit_per_minute=UNLIMITED)
    listed = [i for i in snapshot.listing[tenant] if i["interview_id"] in snapshot.details]
    meta = {i["interview_id"]: snapshot.details[i["interview_id"]]["external_metadata"]
            for i in listed}
    values: dict[str, Counter[str]] = {}
    for metadata in meta.values():
        for k, v in metadata.items():
            values.setdefault(k, Counter())[v] += 1
    k1, k2 = [k for k, c in sorted(values.items(), key=lambda kv: -kv[1].total()) if len(c) > 1][:2]
    (a, _), (b, _) = values[k1].most_common(2)
    c = values[k2].most_common(1)[0][0]
    project = Counter(i["project_id"] for i in listed).most_common(1)[0][0]

    def expect(keep: Any) -> list[str]:
        return [i["interview_id"] for i in listed if keep(i, meta[i["interview_id"]])]

    cases = [
        ([("project_id", project)], expect(lambda i, m: i["project_id"] == project)),
        ([(f"external_metadata[{k1}]", a)], expect(lambda i, m: m.get(k1) == a)),
        ([(f"external_metadata[{k1}]", a), (f"external_metadata[{k1}]", b)],
         expect(lambda i, m: m.get(k1) in {a, b})),
        ([(f"external_metadata[{k1}]", a), (f"external_metadata[{k2}]", c)],
         expect(lambda i, m: m.get(k1) == a and m.get(k2) == c)),
        ([("project_id", project), (f"external_metadata[{k1}]", a),
          (f"external_metadata[{k1}]", b), (f"external_metadata[{k2}]", c)],
         expect(lambda i, m: i["project_id"] == project and m.get(k1) in {a, b}
                and m.get(k2) == c)),
        ([(f"external_metadata[{k1}]", "no-such-value")], []),
    ]
    full = [i["interview_id"] for i in snapshot.listing[tenant]]
    with client(sim_env) as http:
        for params, expected in cases:
            got = http.get("/interviews", params=params, headers=auth(tenant, key))
            ids = [i["interview_id"] for i in got.raise_for_status().json()["data"]]
            # Deleted interviews have no readable metadata: compare on the readable ones.
            assert [i for i in ids if i in snapshot.details] == expected, params
            assert ids == [i for i in full if i in set(ids)], "filtering keeps the order"
            if params[0][1] != "no-such-value":
                assert 0 < len(expected) < len(listed), params


# -- records and exports -------------------------------------------------------------------
def test_interview_detail_shape(snapshot: Snapshot) -> None:
    listed = {i["interview_id"]: i for t, _ in snapshot.tenants for i in snapshot.listing[t]}
    assert snapshot.details
    for interview_id, d in snapshot.details.items():
        assert {k: d[k] for k in listed[interview_id]} == listed[interview_id]
        assert d["status"] in STATUSES
        assert TS.match(d["updated_at"]) and d["updated_at"] >= d["created_at"]
        for field in ("started_at", "ended_at"):
            assert field in d and (d[field] is None or TS.match(d[field]))
        if d["status"] in FINAL:
            assert d["ended_at"] is not None and d["ended_at"] <= NOW
        assert d["duration_seconds"] is None or type(d["duration_seconds"]) is int
        assert isinstance(d["language"], str) and d["language"]
        assert set(d["interviewee"]) == {"name", "email"}
        assert all(v is None or isinstance(v, str) for v in d["interviewee"].values())
        assert all(isinstance(k, str) and isinstance(v, str)
                   for k, v in d["external_metadata"].items())
        assert type(d["has_audio"]) is bool and type(d["has_video"]) is bool
    assert {d["status"] for d in snapshot.details.values()} >= {"completed", "abandoned"}


def test_exports_of_a_completed_interview(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    interview_id = snapshot.with_status("completed")[0]
    headers = auth(*snapshot.owner(interview_id))
    with client(sim_env) as http:
        transcript = http.get(f"/interviews/{interview_id}/transcript-export", headers=headers)
        summary = http.get(f"/interviews/{interview_id}/summary-export", headers=headers)
    assert transcript.status_code == 200 and summary.status_code == 200
    body = transcript.json()
    assert body["interview_id"] == interview_id
    assert body["language"] == snapshot.details[interview_id]["language"]
    assert body["turns"] and [t["index"] for t in body["turns"]] == list(range(len(body["turns"])))
    for turn in body["turns"]:
        assert turn["speaker"] in {"interviewer", "participant"}
        assert isinstance(turn["text"], str) and turn["text"]
        assert isinstance(turn["start_seconds"], int | float)
        assert turn["start_seconds"] <= turn["end_seconds"]
    body = summary.json()
    assert body["interview_id"] == interview_id and isinstance(body["summary"], str)
    assert body["key_insights"] and all(isinstance(k, str) for k in body["key_insights"])
    assert TS.match(body["generated_at"])


def test_media_exports(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    with client(sim_env) as http:
        for kind, media_type in (("audio", "audio/mpeg"), ("video", "video/mp4")):
            interview_id = next(i for i, d in snapshot.details.items() if d[f"has_{kind}"])
            response = http.get(f"/interviews/{interview_id}/{kind}-export",
                                headers=auth(*snapshot.owner(interview_id)))
            assert response.status_code == 200
            assert response.headers["content-type"].split(";")[0] == media_type
            assert len(response.content) > 0


def test_exports_of_unfinished_interviews_are_not_ready(sim_env: dict[str, str],
                                                        snapshot: Snapshot) -> None:
    others = [snapshot.with_status(s)[0] for s in sorted(STATUSES - {"completed"})
              if snapshot.with_status(s)]
    assert len(others) >= 2
    with client(sim_env) as http:
        for interview_id in others:
            for export in ("transcript-export", "summary-export"):
                response = http.get(f"/interviews/{interview_id}/{export}",
                                    headers=auth(*snapshot.owner(interview_id)))
                assert_error(response, 409, "Not Ready")


def test_deleted_interviews_are_listed_but_gone(sim_env: dict[str, str],
                                                snapshot: Snapshot) -> None:
    deleted = snapshot.truth["deleted_interviews"]["ids"]
    assert deleted, "seed 7 has deleted interviews"
    assert set(deleted) == set(snapshot.missing) and set(snapshot.missing.values()) == {404}
    with client(sim_env) as http:
        for interview_id in deleted:
            headers = auth(*snapshot.owner(interview_id))
            assert_error(http.get(f"/interviews/{interview_id}", headers=headers), 404)
            for export in EXPORTS:
                assert_error(http.get(f"/interviews/{interview_id}/{export}",
                                      headers=headers), 404)


# -- rate limit ----------------------------------------------------------------------------
def burst(http: httpx.Client, snapshot: Snapshot, count: int) -> list[httpx.Response]:
    """`count` requests as fast as possible, over both tenants and several endpoints."""
    (t1, k1), (t2, k2) = snapshot.tenants
    done = next(i for i in snapshot.with_status("completed") if snapshot.owner(i)[0] == t1)
    requests = [("/projects", auth(t1, k1)), ("/interviews", auth(t2, k2)),
                (f"/interviews/{done}", auth(t1, k1)),
                (f"/interviews/{done}/summary-export", auth(t1, k1))]
    picks = [requests[n % len(requests)] for n in range(count)]
    return [http.get(path, headers=headers) for path, headers in picks]


def test_the_51st_request_in_a_window_gets_429(sim_env: dict[str, str], genway: SimControl,
                                               snapshot: Snapshot) -> None:
    with client(sim_env) as http:
        http.get(f"{genway.root}/_sim/health")  # opens the connection outside the budget
        started = time.monotonic()
        responses = burst(http, snapshot, 51)
        elapsed = time.monotonic() - started
        assert elapsed < 0.9, f"51 requests took {elapsed:.2f} s, longer than the 1 s window"
        assert [r.status_code for r in responses[:50]] == [200] * 50
        refused = responses[50]
        assert refused.status_code == 429
        body = refused.json()
        assert body["error"] == "Too Many Requests" and isinstance(body["message"], str)
        wait = float(refused.headers["Retry-After"])
        assert 0 < wait <= 1.0 and 0 < body["retry_after"] <= 1.0
        time.sleep(wait + 0.05)
        assert burst(http, snapshot, 1)[0].status_code == 200, "admitted again after the wait"


def test_retry_after_as_http_date(sim_env: dict[str, str], genway: SimControl,
                                  snapshot: Snapshot) -> None:
    genway.faults(retry_after_format="http-date")
    with client(sim_env) as http:
        http.get(f"{genway.root}/_sim/health")
        responses = burst(http, snapshot, 51)
    refused = responses[-1]
    assert refused.status_code == 429 and refused.headers["Retry-After"].endswith(" GMT")
    when = email.utils.parsedate_to_datetime(refused.headers["Retry-After"])
    now = datetime.now(UTC)
    assert now - timedelta(seconds=2) <= when <= now + timedelta(seconds=3)
    assert isinstance(refused.json()["retry_after"], int | float)


# -- ground truth and time -----------------------------------------------------------------
def test_truth_matches_what_the_api_serves(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    truth = snapshot.truth
    listed = {i["interview_id"] for t, _ in snapshot.tenants for i in snapshot.listing[t]}
    live, deleted = set(truth["interviews"]["ids"]), set(truth["deleted_interviews"]["ids"])
    assert live | deleted == listed and not live & deleted
    assert live == set(snapshot.details)
    assert set(truth["projects"]["ids"]) == {p["project_id"] for t, _ in snapshot.tenants
                                             for p in snapshot.projects[t]}
    completed = set(snapshot.with_status("completed"))
    assert set(truth["transcripts"]["ids"]) == completed
    assert set(truth["summaries"]["ids"]) == completed
    for entity in truth.values():
        assert entity["count"] == len(entity["ids"]) and entity["ids"] == sorted(entity["ids"])
    turn_ids = truth["transcript_turns"]["ids"]
    assert {t.rsplit(":", 1)[0] for t in turn_ids} == completed
    sample = sorted(completed)[:15]
    with client(sim_env) as http:
        for interview_id in sample:
            turns = http.get(f"/interviews/{interview_id}/transcript-export",
                             headers=auth(*snapshot.owner(interview_id))).json()["turns"]
            expected = {f"{interview_id}:{t['index']}" for t in turns}
            assert {t for t in turn_ids if t.startswith(f"{interview_id}:")} == expected


def truth_records(control: SimControl, entity: str) -> dict[str, Any]:
    """`GET /_sim/truth/{entity}`: the records themselves, not only their ids."""
    body = httpx.get(f"{control.root}/_sim/truth/{entity}", timeout=30).raise_for_status().json()
    assert (body["source"], body["entity"]) == ("genway", entity)
    return body["records"]


def test_truth_lists_the_media_the_exports_serve(sim_env: dict[str, str], genway: SimControl,
                                                 snapshot: Snapshot) -> None:
    expected = sorted(f"{interview_id}:{kind}" for interview_id, d in snapshot.details.items()
                      for kind in ("audio", "video") if d[f"has_{kind}"])
    assert {key.rsplit(":", 1)[1] for key in expected} == {"audio", "video"}
    assert snapshot.truth["interview_media"]["ids"] == expected
    records = truth_records(genway, "interview_media")
    assert sorted(records) == expected
    genway.faults(rate_limit_per_minute=UNLIMITED)
    with client(sim_env) as http:
        for key in expected[:: max(1, len(expected) // 12)]:
            interview_id, kind = key.rsplit(":", 1)
            served = http.get(f"/interviews/{interview_id}/{kind}-export",
                              headers=auth(*snapshot.owner(interview_id)))
            assert served.status_code == 200
            assert records[key] == {
                "interview_id": interview_id, "kind": kind,
                "media_type": served.headers["content-type"].split(";")[0],
                "bytes": len(served.content),
                "sha256": hashlib.sha256(served.content).hexdigest()}
        # A finished interview without audio has no entry, and its audio export answers 404.
        silent = next(i for i, d in snapshot.details.items()
                      if d["status"] in FINAL and not d["has_audio"])
        assert f"{silent}:audio" not in records
        assert_error(http.get(f"/interviews/{silent}/audio-export",
                              headers=auth(*snapshot.owner(silent))), 404)


def test_advance_reveals_and_moves_interviews_on(sim_env: dict[str, str], genway: SimControl,
                                                 snapshot: Snapshot) -> None:
    genway.faults(rate_limit_per_minute=UNLIMITED)
    unfinished = [i for i, d in snapshot.details.items() if d["status"] not in FINAL]
    assert unfinished
    with client(sim_env) as http:
        for interview_id in unfinished:
            assert http.get(f"/interviews/{interview_id}/transcript-export",
                            headers=auth(*snapshot.owner(interview_id))).status_code == 409
        new_now = ts(NOW) + timedelta(days=3)
        assert ts(genway.advance(3 * 24 * 60)["now"]) == new_now
        after = read_all(http, snapshot.tenants)
        moved = []
        for interview_id, before in snapshot.details.items():
            now = after.details[interview_id]
            if before["status"] in FINAL:
                assert all(now[k] == before[k] for k in ("status", "updated_at"))
            elif now["status"] != before["status"]:
                assert ts(now["updated_at"]) > ts(before["updated_at"])
                moved.append(interview_id)
        assert any(ts(after.details[i]["created_at"]) < new_now - timedelta(days=2)
                   for i in moved), "an interview created days ago moved on"
        for interview_id in moved:
            if after.details[interview_id]["status"] == "completed":
                assert http.get(f"/interviews/{interview_id}/transcript-export",
                                headers=auth(*snapshot.owner(interview_id))).status_code == 200
    for tenant, _ in snapshot.tenants:
        old = [i["interview_id"] for i in snapshot.listing[tenant]]
        new = after.listing[tenant]
        assert [i["interview_id"] for i in new if i["interview_id"] in set(old)] == old
        fresh = [i for i in new if i["interview_id"] not in set(old)]
        assert fresh and all(ts(NOW) < ts(i["created_at"]) <= new_now for i in fresh)
    assert genway.truth()["entities"]["interviews"]["count"] == len(after.details)
