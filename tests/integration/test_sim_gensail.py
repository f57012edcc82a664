"""Gensail simulator against its contract (shared/apis/gensail.md), over real HTTP on loopback."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from pipelines.sandbox import SimControl, SimulatorProcess
from tests.integration.conftest import NOW, TIME_SCALE

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
API = "/api/v1"
UNLIMITED = 1_000_000
JOB_FIELDS = {"id", "parent_job_id", "workspace_id", "source_call_id", "source_company_id",
              "status", "skip_reason", "recording_url", "recording_duration", "algorithm_ids",
              "analytics_only", "created_at", "updated_at", "completed_at"}
RUN_FIELDS = {"id", "job_id", "algorithm_id", "status", "confidence_score", "result", "error",
              "webhook_delivered", "created_at", "completed_at"}
NO_TRANSCRIPT = {"queued", "transcribing", "skipped"}
STATUSES = NO_TRANSCRIPT | {"analyzing", "publishing", "completed", "failed"}


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def client(env: dict[str, str], timeout: float = 10, **headers: str) -> httpx.Client:
    headers = headers or {"Authorization": f"Bearer {env['GENSAIL_API_TOKEN']}"}
    return httpx.Client(base_url=env["GENSAIL_BASE_URL"] + API, timeout=timeout, headers=headers)


def assert_detail(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str) and body["detail"]


def walk(http: httpx.Client, path: str, key: str, params: Any = (),
         page_size: int = 200) -> list[list[dict]]:
    """Every page of a listing, checking the envelope and `total` on the way."""
    pages: list[list[dict]] = []
    while True:
        query = [*(params.items() if isinstance(params, dict) else params),
                 ("page", len(pages) + 1), ("page_size", page_size)]
        body = http.get(path, params=query).raise_for_status().json()
        assert set(body) == {key, "page", "page_size", "total", "has_more"}
        assert (body["page"], body["page_size"]) == (len(pages) + 1, page_size)
        pages.append(body[key])
        if not body["has_more"]:
            assert body["total"] == sum(len(p) for p in pages)
            return pages


def flat(pages: list[list[dict]]) -> list[dict]:
    return [item for page in pages for item in page]


def checksum(records: dict[str, Any]) -> str:
    """The truth's checksum: sha256 over the records' JSON, in sorted id order."""
    digest = hashlib.sha256()
    for key in sorted(records):
        digest.update(json.dumps(records[key], sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class Snapshot:
    """Everything Gensail serves at `NOW` for seed 7, read once per module."""

    jobs: list[dict]
    details: dict[int, dict]
    runs: dict[int, list[dict]]
    algorithms: list[dict]
    feedback: list[dict]
    stats: dict[str, dict]
    truth: dict[str, Any]

    def all_runs(self) -> list[dict]:
        return [r for runs in self.runs.values() for r in runs]


def read_all(http: httpx.Client) -> Snapshot:
    def get(path: str) -> Any:
        return http.get(path).raise_for_status().json()

    jobs = flat(walk(http, "/jobs", "jobs"))
    # A few threads: each request is cheap, the round trips are what add up.
    with ThreadPoolExecutor(4) as pool:
        details = list(pool.map(get, [f"/jobs/{j['id']}" for j in jobs]))
        runs = list(pool.map(get, [f"/jobs/{j['id']}/runs" for j in jobs]))
    algorithms = get("/algorithms")["algorithms"]
    stats = {a["id"]: get(f"/feedback/algorithms/{a['id']}/stats") for a in algorithms}
    return Snapshot(jobs, {d["id"]: d for d in details},
                    {j["id"]: r["runs"] for j, r in zip(jobs, runs, strict=True)}, algorithms,
                    flat(walk(http, "/feedback", "feedback")), stats, {})


@pytest.fixture(scope="module")
def snap(simulators: SimulatorProcess) -> Iterator[Snapshot]:
    control = simulators.controls["gensail"]
    control.reset(seed=7, scale=1.0, now=NOW)
    control.faults(rate_limit_per_minute=UNLIMITED)
    with client(simulators.env) as http:
        snapshot = read_all(http)
    snapshot.truth = control.truth()["entities"]
    control.faults()
    yield snapshot


@pytest.fixture
def gensail(sims: dict[str, SimControl]) -> SimControl:
    return sims["gensail"]


# -- auth ----------------------------------------------------------------------------------
def test_auth_bearer_api_key_and_health(sim_env: dict[str, str]) -> None:
    token = sim_env["GENSAIL_API_TOKEN"]
    assert sim_env["GENSAIL_REQUESTS_PER_MINUTE"] == str(round(120 * TIME_SCALE))
    assert not sim_env["GENSAIL_BASE_URL"].endswith(API)
    for headers in ({"Authorization": f"Bearer {token}"}, {"x-api-key": token}):
        with client(sim_env, **headers) as http:
            assert http.get("/jobs").status_code == 200
            assert http.get("/algorithms").status_code == 200
    bad = [{"Accept": "application/json"}, {"Authorization": "Bearer gs_sim_wrong"},
           {"x-api-key": "gs_sim_wrong"}, {"Authorization": f"Basic {token}"},
           {"Authorization": "Bearer"}]
    for headers in bad:
        with client(sim_env, **headers) as http:
            for path in ("/jobs", "/algorithms", "/feedback"):
                assert_detail(http.get(path), 401)
    health = httpx.get(sim_env["GENSAIL_BASE_URL"] + "/health", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"


# -- jobs ----------------------------------------------------------------------------------
def test_job_listing_shape_order_and_cases(snap: Snapshot) -> None:
    assert len(snap.jobs) > 300
    keys = [(ts(j["updated_at"]), j["id"]) for j in snap.jobs]
    assert keys == sorted(keys) and len({j["id"] for j in snap.jobs}) == len(snap.jobs)
    for job in snap.jobs:
        assert set(job) == JOB_FIELDS
        assert type(job["id"]) is int and job["status"] in STATUSES
        assert TS.match(job["created_at"]) and job["created_at"] <= job["updated_at"] <= NOW
        assert (job["completed_at"] is not None) == (job["status"] == "completed")
        assert (job["skip_reason"] is not None) == (job["status"] == "skipped")
        assert job["algorithm_ids"] and all(isinstance(a, str) for a in job["algorithm_ids"])
        if job["recording_duration"] is not None:
            assert isinstance(job["recording_duration"], float)
    by_id = {j["id"]: j for j in snap.jobs}
    created = sorted(by_id.values(), key=lambda j: j["id"])
    assert [j["created_at"] for j in created] == sorted(j["created_at"] for j in created)
    assert {"completed", "skipped", "failed"} <= {j["status"] for j in snap.jobs}
    assert all(j["recording_duration"] < 30 for j in snap.jobs if j["status"] == "skipped")
    stamps = Counter(j["created_at"] for j in snap.jobs)
    assert max(stamps.values()) >= 2 and any(s.endswith("T00:00:00Z") for s in stamps)
    children = [j for j in snap.jobs if j["parent_job_id"] is not None]
    assert children, "on-demand runs made child jobs"
    for child in children:
        parent = by_id[child["parent_job_id"]]
        gap = ts(child["created_at"]) - ts(parent["created_at"])
        assert timedelta(hours=1) <= gap <= timedelta(days=5)
        assert child["source_call_id"] == parent["source_call_id"] and child["analytics_only"]


def test_pagination(sim_env: dict[str, str], snap: Snapshot, gensail: SimControl) -> None:
    gensail.faults(rate_limit_per_minute=UNLIMITED)
    total = len(snap.jobs)
    with client(sim_env) as http:
        first = http.get("/jobs").json()
        assert (first["page"], first["page_size"], first["total"]) == (1, 50, total)
        assert first["has_more"] and first["jobs"] == snap.jobs[:50]
        pages = walk(http, "/jobs", "jobs", page_size=37)
        assert flat(pages) == snap.jobs
        assert [len(p) for p in pages[:-1]] == [37] * (len(pages) - 1) and len(pages[-1]) > 0
        past = http.get("/jobs", params={"page": len(pages) + 1, "page_size": 37}).json()
        assert past["jobs"] == [] and past["total"] == total and not past["has_more"]
        full = http.get("/jobs", params={"page_size": 200}).json()
        assert len(full["jobs"]) == 200 and full["jobs"] == snap.jobs[:200]
        for params in ({"page_size": 201}, {"page_size": 0}, {"page_size": "many"},
                       {"page": 0}, {"page": -1}, {"page": "two"}, {"status": "done"},
                       {"updated_after": "yesterday"}, {"created_after": "2026-13-45T00:00:00Z"}):
            assert_detail(http.get("/jobs", params=params), 400)
            if "page" in params or "page_size" in params:
                assert_detail(http.get("/feedback", params=params), 400)


def test_job_filters(sim_env: dict[str, str], snap: Snapshot, gensail: SimControl) -> None:
    gensail.faults(rate_limit_per_minute=UNLIMITED)
    shared = Counter(j["created_at"] for j in snap.jobs).most_common(1)[0][0]
    cut = sorted(j["updated_at"] for j in snap.jobs)[len(snap.jobs) * 2 // 3]
    low, high = sorted(j["created_at"] for j in snap.jobs)[100], shared

    def ids(keep: Any) -> list[int]:
        return [j["id"] for j in snap.jobs if keep(j)]

    cases = [
        ([("status", "skipped")], ids(lambda j: j["status"] == "skipped")),
        ([("status", "skipped"), ("status", "failed")],
         ids(lambda j: j["status"] in {"skipped", "failed"})),
        ([("created_after", shared)], ids(lambda j: j["created_at"] >= shared)),
        ([("created_before", shared)], ids(lambda j: j["created_at"] < shared)),
        ([("created_after", low), ("created_before", high)],
         ids(lambda j: low <= j["created_at"] < high)),
        ([("updated_after", cut)], ids(lambda j: j["updated_at"] > cut)),
        ([("updated_after", cut.replace("Z", "+00:00"))], ids(lambda j: j["updated_at"] > cut)),
        ([("updated_after", (ts(cut) + timedelta(hours=2)).isoformat().replace("+00:00",
                                                                                "+02:00"))],
         ids(lambda j: j["updated_at"] > cut)),
        ([("status", "completed"), ("updated_after", cut)],
         ids(lambda j: j["status"] == "completed" and j["updated_at"] > cut)),
    ]
    with client(sim_env) as http:
        for params, expected in cases:
            got = [j["id"] for j in flat(walk(http, "/jobs", "jobs", params, page_size=60))]
            assert got == expected, params
            assert 0 < len(expected) < len(snap.jobs), params
        # A `+` left unencoded arrives as a space; the offset still parses.
        raw = http.get(f"/jobs?page_size=200&updated_after={cut.replace('Z', '+00:00')}").json()
        assert [j["id"] for j in raw["jobs"]] == ids(lambda j: j["updated_at"] > cut)


def test_job_detail_and_transcript(snap: Snapshot) -> None:
    listed = {j["id"]: j for j in snap.jobs}
    speakers: Counter[str] = Counter()
    longest = 0
    for job_id, detail in snap.details.items():
        transcript = detail["transcript"]
        assert {k: v for k, v in detail.items() if k != "transcript"} == listed[job_id]
        if detail["status"] in NO_TRANSCRIPT:
            assert transcript is None
        if detail["status"] in {"analyzing", "publishing", "completed"}:
            assert transcript is not None
        if transcript is None:
            continue
        assert set(transcript) == {"text", "utterances"} and transcript["utterances"]
        for utterance in transcript["utterances"]:
            assert set(utterance) == {"speaker", "text", "start", "end"}
            assert isinstance(utterance["text"], str) and utterance["text"]
            assert 0 <= utterance["start"] <= utterance["end"]
            speakers[utterance["speaker"]] += 1
            longest = max(longest, len(utterance["text"]))
    assert {"agent", "caller", "SPEAKER_2"} <= set(speakers) and longest > 5000
    texts = "".join(t["text"] for d in snap.details.values() if (t := d["transcript"]))
    assert not texts.isascii()


def test_unknown_records_and_lookup(sim_env: dict[str, str], snap: Snapshot) -> None:
    child = next(j for j in snap.jobs if j["parent_job_id"] is not None)
    with client(sim_env) as http:
        for path in ("/jobs/999999999", "/jobs/abc", "/jobs/999999999/runs",
                     "/feedback/algorithms/no_such_algorithm_v9/stats", "/no-such-endpoint"):
            assert_detail(http.get(path), 404)
        params = {"source_call_id": child["source_call_id"],
                  "source_company_id": child["source_company_id"]}
        found = http.get("/jobs/lookup", params=params)
        assert found.status_code == 200 and found.json() == snap.details[child["parent_job_id"]]
        for missing in ("source_call_id", "source_company_id"):
            assert_detail(http.get("/jobs/lookup", params={
                k: v for k, v in params.items() if k != missing}), 400)
        assert_detail(http.get("/jobs/lookup", params={**params, "source_call_id": "nope"}), 404)


# -- runs, algorithms, feedback, stats -----------------------------------------------------
def test_runs(snap: Snapshot) -> None:
    keys_by_algorithm: dict[str, set[frozenset[str]]] = {}
    for job_id, runs in snap.runs.items():
        detail = snap.details[job_id]
        # Runs appear when the job reaches `analyzing`, as its transcript does.
        assert bool(runs) == (detail["transcript"] is not None)
        if runs:
            assert sorted(r["algorithm_id"] for r in runs) == sorted(detail["algorithm_ids"])
        for run in runs:
            assert set(run) == RUN_FIELDS and run["job_id"] == job_id
            assert run["status"] in {"pending", "running", "completed", "failed"}
            final = run["status"] in {"completed", "failed"}
            assert (run["completed_at"] is not None) == final
            assert (run["error"] is not None) == (run["status"] == "failed")
            assert (run["result"] is not None) == (run["status"] == "completed")
            if run["error"]:
                assert set(run["error"]) == {"code", "message"}
            score = run["confidence_score"]
            assert score is None or 0 <= score <= 100
            assert type(run["webhook_delivered"]) is bool
            if run["result"]:
                keys_by_algorithm.setdefault(run["algorithm_id"], set()).add(
                    frozenset(run["result"]))
    assert len(keys_by_algorithm) == 6
    shapes = [next(iter(s)) for s in keys_by_algorithm.values()]
    assert all(len(s) == 1 for s in keys_by_algorithm.values()) and len(set(shapes)) == 6
    assert all("data" in shape for shape in shapes)
    statuses = Counter(r["status"] for r in snap.all_runs())
    assert statuses["completed"] and statuses["failed"]


def test_algorithms(snap: Snapshot) -> None:
    assert len(snap.algorithms) == 6
    keys = [(a["created_at"], a["id"]) for a in snap.algorithms]
    assert keys == sorted(keys)
    for algorithm in snap.algorithms:
        assert set(algorithm) == {"id", "name", "description", "version", "deprecated",
                                  "created_at", "updated_at"}
        assert type(algorithm["version"]) is int and type(algorithm["deprecated"]) is bool
    assert any(a["deprecated"] for a in snap.algorithms)
    assert any(a["updated_at"] > a["created_at"] for a in snap.algorithms)


def test_feedback_and_stats(sim_env: dict[str, str], snap: Snapshot,
                            gensail: SimControl) -> None:
    runs = {r["id"]: r for r in snap.all_runs()}
    keys = [(f["created_at"], f["id"]) for f in snap.feedback]
    assert snap.feedback and keys == sorted(keys)
    late = 0
    for item in snap.feedback:
        run = runs[item["algorithm_run_id"]]
        assert (item["algorithm_id"], item["job_id"]) == (run["algorithm_id"], run["job_id"])
        assert run["status"] == "completed" and item["original_value"] == run["result"][
            item["field"]]
        assert item["created_at"] > run["completed_at"]
        late += ts(item["created_at"]) - ts(run["completed_at"]) > timedelta(days=1)
    assert late, "feedback about runs completed days earlier"
    assert {type(f["corrected_value"]) for f in snap.feedback} >= {str, list, float}
    assert any(f["corrected_value"] == f["original_value"] for f in snap.feedback)
    algorithm_id = Counter(f["algorithm_id"] for f in snap.feedback).most_common(1)[0][0]
    since = snap.feedback[len(snap.feedback) // 2]["created_at"]
    gensail.faults(rate_limit_per_minute=UNLIMITED)
    with client(sim_env) as http:
        for params, keep in (({"algorithm_id": algorithm_id},
                              lambda f: f["algorithm_id"] == algorithm_id),
                             ({"created_after": since}, lambda f: f["created_at"] >= since)):
            got = flat(walk(http, "/feedback", "feedback", params, page_size=25))
            assert got == [f for f in snap.feedback if keep(f)] and got != snap.feedback
    for algorithm in snap.algorithms:
        mine = [r for r in runs.values() if r["algorithm_id"] == algorithm["id"]]
        notes = [f for f in snap.feedback if f["algorithm_id"] == algorithm["id"]]
        fixes = [f for f in notes if f["corrected_value"] != f["original_value"]]
        done = sum(r["status"] == "completed" for r in mine)
        accuracy = round(1 - len({f["algorithm_run_id"] for f in fixes}) / done, 4)
        assert snap.stats[algorithm["id"]] == {
            "algorithm_id": algorithm["id"], "total_runs": len(mine),
            "runs_with_feedback": len({f["algorithm_run_id"] for f in notes}),
            "corrections": len(fixes), "accuracy": accuracy}


# -- truth and time ----------------------------------------------------------------------
def test_truth_matches_what_the_api_serves(snap: Snapshot) -> None:
    truth = snap.truth
    jobs = {str(j["id"]): j for j in snap.jobs}
    runs = {str(r["id"]): r for r in snap.all_runs()}
    feedback = {str(f["id"]): f for f in snap.feedback}
    algorithms = {a["id"]: a for a in snap.algorithms}
    for entity, records in (("jobs", jobs), ("algorithm_runs", runs), ("feedback", feedback),
                            ("algorithms", algorithms), ("algorithm_stats", snap.stats)):
        assert truth[entity]["ids"] == sorted(records), entity
        assert truth[entity]["checksum"] == checksum(records), entity
    with_text = {str(i): d["transcript"] for i, d in snap.details.items() if d["transcript"]}
    assert truth["job_transcripts"]["ids"] == sorted(with_text)
    assert truth["job_transcripts"]["checksum"] == checksum(with_text)
    utterances = {f"{i}:{n}": u for i, t in with_text.items()
                  for n, u in enumerate(t["utterances"])}
    assert truth["transcript_utterances"]["ids"] == sorted(utterances)


def test_truth_lists_the_recordings_jobs_point_at(snap: Snapshot, gensail: SimControl) -> None:
    expected = {str(j["id"]): {"job_id": j["id"], "recording_url": j["recording_url"],
                               "recording_duration": j["recording_duration"]}
                for j in snap.jobs if j["recording_url"] is not None}
    assert expected and len(expected) < len(snap.jobs)  # analytics-only jobs have none
    assert all(r["recording_url"].startswith("https://") and r["recording_duration"] > 0
               for r in expected.values())
    assert snap.truth["job_recordings"]["ids"] == sorted(expected)
    assert snap.truth["job_recordings"]["checksum"] == checksum(expected)
    body = httpx.get(f"{gensail.root}/_sim/truth/job_recordings", timeout=30).json()
    assert (body["source"], body["entity"]) == ("gensail", "job_recordings")
    assert body["records"] == expected


def test_advance_moves_jobs_on(sim_env: dict[str, str], snap: Snapshot,
                               gensail: SimControl) -> None:
    gensail.faults(rate_limit_per_minute=UNLIMITED)
    new_now = ts(NOW) + timedelta(days=6)
    assert ts(gensail.advance(6 * 24 * 60)["now"]) == new_now
    with client(sim_env) as http:
        after = flat(walk(http, "/jobs", "jobs"))
        changed = flat(walk(http, "/jobs", "jobs", {"updated_after": NOW}))
        before = {j["id"]: j for j in snap.jobs}
        assert changed == [j for j in after if j["updated_at"] > NOW]
        old = [j for j in changed if j["id"] in before]
        assert old and all(j["status"] != before[j["id"]]["status"] for j in old)
        assert any(ts(j["created_at"]) < ts(NOW) - timedelta(days=2) for j in old)
        for job in old:
            if job["status"] == "completed":
                assert http.get(f"/jobs/{job['id']}").json()["transcript"] is not None
                assert {r["status"] for r in http.get(f"/jobs/{job['id']}/runs").json()[
                    "runs"]} <= {"completed", "failed"}
        fresh = [j for j in after if j["id"] not in before]
        assert fresh and all(ts(NOW) < ts(j["created_at"]) <= new_now for j in fresh)
        assert min(j["id"] for j in fresh) > max(before)
    unchanged = [j for j in after if j["id"] in before and j not in changed]
    assert all(j == before[j["id"]] for j in unchanged)

