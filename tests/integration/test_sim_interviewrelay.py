"""InterviewRelay simulator against its contract (shared/apis/interviewrelay.md), over loopback.

Rate limits, faults, `advance`, determinism and the ZIP cap (which needs a bigger data set) are
in test_sim_interviewrelay_faults.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from pipelines.sandbox import SimControl, SimulatorProcess
from tests.integration.conftest import NOW

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CSV_COLUMNS = ["session_id", "participant_email", "session_status", "started_at",
               "completed_at", "turn_index", "timestamp", "speaker", "text", "sentiment"]
MISSING = "00000000-0000-4000-8000-000000000000"


def api(env: dict[str, str], key: str | None = None) -> httpx.Client:
    token = key if key is not None else env["INTERVIEWRELAY_API_KEY"]
    return httpx.Client(base_url=env["INTERVIEWRELAY_BASE_URL"], timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def walk(http: httpx.Client, path: str, plural: str, limit: int = 100,
         **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        body = http.get(path, params={**params, "limit": limit, "offset": len(items)}).json()
        assert body["limit"] == limit and body["offset"] == len(items)
        items += body[plural]
        if not body[plural] or len(items) >= body["total"]:
            assert len(items) == body["total"]
            return items


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]


def checksum(records: dict[str, Any]) -> str:
    """What `/_sim/truth` computes over an entity (simulators/base.py)."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(json.dumps(records[record_id], sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class Snapshot:
    """Everything served at `NOW` for seed 7, read once per module (resets reproduce it)."""

    projects: list[dict]
    campaigns: list[dict]
    sessions: list[dict]
    exports: dict[str, dict]  # project id -> JSON project export
    truth: dict[str, Any]

    def transcripts(self) -> dict[str, dict]:
        return {t["session_id"]: t for export in self.exports.values()
                for group in export["campaigns"] for t in group["transcripts"]}

    def biggest_campaign(self) -> dict:
        return max(self.campaigns, key=lambda c: c["completed"])


@pytest.fixture(scope="module")
def snapshot(simulators: SimulatorProcess) -> Snapshot:
    control = simulators.controls["interviewrelay"]
    control.reset(seed=7, scale=1.0, now=NOW)
    with api(simulators.env) as http:
        projects = walk(http, "/api/projects", "projects")
        exports = {p["id"]: http.get(f"/api/projects/{p['id']}/transcripts").json()
                   for p in projects}
        return Snapshot(projects, walk(http, "/api/campaigns", "campaigns"),
                        walk(http, "/api/sessions", "sessions"), exports,
                        control.truth()["entities"])


# -- settings and auth -----------------------------------------------------------------------
def test_env_lines(sim_env: dict[str, str]) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sim_env["INTERVIEWRELAY_BASE_URL"])
    assert re.fullmatch(r"ir_live_[0-9a-f]{32}", sim_env["INTERVIEWRELAY_API_KEY"])
    assert sim_env["INTERVIEWRELAY_REQUESTS_PER_MINUTE"] == str(600 * 60)  # time_scale 60


def test_bad_tokens_get_401(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    key = sim_env["INTERVIEWRELAY_API_KEY"]
    paths = ["/api/projects", "/api/sessions", "/api/billing/credits",
             f"/api/campaigns/{snapshot.campaigns[0]['id']}/transcripts"]
    with httpx.Client(base_url=sim_env["INTERVIEWRELAY_BASE_URL"], timeout=30) as http:
        for path in paths:
            for headers in ({}, {"Authorization": key}, {"Authorization": f"Basic {key}"},
                            {"Authorization": "Bearer"},
                            {"Authorization": "Bearer ir_live_0123abcd"}):
                assert_error(http.get(path, headers=headers), 401)
            assert http.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 200


# -- listings ----------------------------------------------------------------------------------
def test_projects_and_campaigns(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    assert len(snapshot.projects) >= 3
    for project in snapshot.projects:
        assert set(project) == {"id", "name", "description", "created_at"}
        assert TS.match(project["created_at"]) and project["created_at"] <= NOW
    ids = {p["id"] for p in snapshot.projects}
    for campaign in snapshot.campaigns:
        assert {"id", "name", "script_id", "project_id", "status", "invite_valid_hours",
                "created_at", "invites_sent", "completed"} <= campaign.keys()
        assert campaign["project_id"] in ids and campaign["status"] in {
            "active", "completed", "archived"}
        assert campaign["invites_sent"] >= campaign["completed"] >= 0
    assert 168 in {c["invite_valid_hours"] for c in snapshot.campaigns}
    assert {"active", "completed"} <= {c["status"] for c in snapshot.campaigns}
    for items in (snapshot.projects, snapshot.campaigns):
        keys = [(ts(i["created_at"]), i["id"]) for i in items]
        assert keys == sorted(keys)
    with api(sim_env) as http:
        for project_id in ids:
            found = walk(http, "/api/campaigns", "campaigns", project_id=project_id)
            assert found == [c for c in snapshot.campaigns if c["project_id"] == project_id]
        completed = walk(http, "/api/campaigns", "campaigns", status="completed")
        assert completed == [c for c in snapshot.campaigns if c["status"] == "completed"]
        assert http.get("/api/campaigns", params={"project_id": MISSING}).json()["total"] == 0
        assert_error(http.get("/api/campaigns", params={"status": "paused"}), 400)


def test_campaign_detail_stats(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    campaign = snapshot.biggest_campaign()
    own = [s for s in snapshot.sessions if s["campaign_id"] == campaign["id"]]
    done = sum(s["status"] == "completed" for s in own)
    with api(sim_env) as http:
        detail = http.get(f"/api/campaigns/{campaign['id']}").json()
        assert_error(http.get(f"/api/campaigns/{MISSING}"), 404)
        assert_error(http.get("/api/campaigns/not-an-id/extra/path"), 404)
    assert {k: v for k, v in detail.items() if k != "stats"} == campaign
    assert detail["stats"] == {"invites_sent": campaign["invites_sent"], "started": len(own),
                               "completed": done, "completion_rate": round(done / len(own), 2)}
    assert campaign["completed"] == done and campaign["invites_sent"] > len(own)


def test_session_items(snapshot: Snapshot) -> None:
    sessions = snapshot.sessions
    assert len(sessions) > 300
    for item in sessions:
        assert set(item) == {"id", "campaign_id", "participant_email", "status",
                             "duration_minutes", "started_at", "completed_at", "updated_at"}
        assert "@" in item["participant_email"] and TS.match(item["started_at"])
        assert item["started_at"] <= item["updated_at"] <= NOW
        if item["status"] == "in_progress":
            assert item["duration_minutes"] is None and item["completed_at"] is None
        else:
            assert isinstance(item["duration_minutes"], int)
            assert (item["completed_at"] is not None) == (item["status"] == "completed")
    statuses = {s["status"] for s in sessions}
    assert statuses == {"in_progress", "completed", "abandoned"}
    keys = [(ts(s["started_at"]), s["id"]) for s in sessions]
    assert keys == sorted(keys)
    starts = [s["started_at"] for s in sessions]
    assert len(set(starts)) < len(starts), "some sessions share a started_at"
    assert any(s.endswith("T00:00:00Z") for s in starts), "some start exactly at midnight"
    long_open = [s for s in sessions if s["status"] == "in_progress"
                 and ts(NOW) - ts(s["started_at"]) > timedelta(days=2)]
    assert long_open, "some sessions stay in progress past a 2-day lookback"


def test_session_filters(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    sessions, campaign = snapshot.sessions, snapshot.biggest_campaign()
    pivot = sessions[len(sessions) // 2]["started_at"]
    with api(sim_env) as http:
        assert walk(http, "/api/sessions", "sessions", campaign_id=campaign["id"]) == [
            s for s in sessions if s["campaign_id"] == campaign["id"]]
        assert walk(http, "/api/sessions", "sessions", status="abandoned") == [
            s for s in sessions if s["status"] == "abandoned"]
        after = walk(http, "/api/sessions", "sessions", start_date=pivot)
        before = walk(http, "/api/sessions", "sessions", end_date=pivot)
        assert after == [s for s in sessions if s["started_at"] >= pivot]
        assert before == [s for s in sessions if s["started_at"] < pivot]
        day = walk(http, "/api/sessions", "sessions", start_date=pivot[:10],
                   end_date=(ts(pivot) + timedelta(days=1)).strftime("%Y-%m-%d"))
        assert day and all(s["started_at"][:10] == pivot[:10] for s in day)
        for bad in ({"status": "done"}, {"start_date": "last week"}, {"end_date": "2026-13-01"}):
            assert_error(http.get("/api/sessions", params=bad), 400)


def test_pagination(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    with api(sim_env) as http:
        first = http.get("/api/sessions").json()
        assert (first["limit"], first["offset"], len(first["sessions"])) == (50, 0, 50)
        assert first["total"] == len(snapshot.sessions)
        assert http.get("/api/sessions", params={"limit": 100}).json()["sessions"] == \
            snapshot.sessions[:100]
        for bad in ({"limit": 101}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}):
            assert_error(http.get("/api/sessions", params=bad), 400)
            assert_error(http.get("/api/campaigns", params=bad), 400)
        odd = walk(http, "/api/sessions", "sessions", limit=37)
        past = http.get("/api/sessions", params={"offset": 10_000}).json()
    assert [s["id"] for s in odd] == [s["id"] for s in snapshot.sessions]
    assert len({s["id"] for s in odd}) == len(odd)
    assert past["sessions"] == [] and past["total"] == len(snapshot.sessions)


# -- details and per-session files -------------------------------------------------------------
def test_session_detail_transcript_and_files(sim_env: dict[str, str],
                                             snapshot: Snapshot) -> None:
    transcripts = snapshot.transcripts()
    item = next(s for s in snapshot.sessions if s["status"] == "completed")
    with api(sim_env) as http:
        detail = http.get(f"/api/sessions/{item['id']}").json()
        transcript = http.get(detail["transcript_url"]).json()
        files = http.get(f"/api/session/{item['id']}/files").json()["files"]
        assert_error(http.get(f"/api/sessions/{MISSING}"), 404)
        assert_error(http.get(f"/api/session/{MISSING}/transcript"), 404)
        assert_error(http.get(f"/api/session/{MISSING}/files"), 404)
    unsigned = httpx.Client(timeout=30)  # signed links need no bearer token
    assert {k: v for k, v in detail.items() if not k.endswith("_url")} == item
    assert {k: v for k, v in transcripts[item["id"]].items()
            if k not in {"participant_email", "status", "campaign_id"}} == transcript
    assert [f["kind"] for f in files] == ["transcript", "audio", "pdf"]
    expires = (ts(NOW) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert {f["expires_at"] for f in files} == {expires}
    urls = {f["kind"]: f["url"] for f in files}
    assert detail["audio_url"] == urls["audio"]
    with unsigned:
        assert unsigned.get(urls["transcript"]).json() == transcript
        assert unsigned.get(urls["audio"]).content.startswith(b"ID3")
        assert unsigned.get(urls["pdf"]).content.startswith(b"%PDF")
        assert_error(unsigned.get(urls["audio"].replace("signature=", "signature=0")), 401)


def test_transcript_shape(snapshot: Snapshot) -> None:
    transcripts = snapshot.transcripts()
    texts = [t["text"] for item in transcripts.values() for t in item["turns"]]
    assert any(len(text) > 5000 for text in texts), "some turns are very long"
    assert any(not text.isascii() for text in texts) and any("\n" in text for text in texts)
    for item in transcripts.values():
        turns, messages = item["turns"], item["messages"]
        assert turns and len(messages) == len(turns)
        assert [t["timestamp"] for t in turns] == sorted(t["timestamp"] for t in turns)
        for turn, message in zip(turns, messages, strict=True):
            assert turn["speaker"] in {"ai", "participant"}
            assert turn["sentiment"] in {"positive", "neutral", "negative"}
            assert message["role"] == ("assistant" if turn["speaker"] == "ai" else "user")
            assert message["content"] == turn["text"] and TS.match(message["created_at"])
        if item["status"] == "in_progress":
            assert turns[-1]["timestamp"] <= (ts(NOW) - ts(item["started_at"])).total_seconds()


def test_sessions_without_words_have_no_transcript(sim_env: dict[str, str],
                                                   snapshot: Snapshot) -> None:
    transcripts = snapshot.transcripts()
    silent = [s for s in snapshot.sessions if s["id"] not in transcripts]
    assert silent and all(s["status"] == "abandoned" for s in silent)
    with api(sim_env) as http:
        detail = http.get(f"/api/sessions/{silent[0]['id']}").json()
        assert detail["transcript_url"] is None and detail["audio_url"] is None
        assert_error(http.get(f"/api/session/{silent[0]['id']}/transcript"), 404)
        assert http.get(f"/api/session/{silent[0]['id']}/files").json() == {"files": []}


# -- bulk export -------------------------------------------------------------------------------
def turn_rows(transcripts: list[dict]) -> list[tuple]:
    return [(t["session_id"], index, turn["timestamp"], turn["speaker"], turn["text"],
             turn["sentiment"]) for t in transcripts for index, turn in enumerate(t["turns"])]


def test_json_and_csv_exports_agree(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    campaign = snapshot.biggest_campaign()
    project = next(p for p in snapshot.projects if p["id"] == campaign["project_id"])
    with api(sim_env) as http:
        body = http.get(f"/api/campaigns/{campaign['id']}/transcripts").json()
        text = http.get(f"/api/campaigns/{campaign['id']}/transcripts", params={"format": "csv"})
        project_csv = http.get(f"/api/projects/{project['id']}/transcripts",
                               params={"format": "csv"}).text
    assert body["campaign"] == campaign and body["generated_at"] == NOW
    started = [s["id"] for s in snapshot.sessions if s["campaign_id"] == campaign["id"]]
    assert [t["session_id"] for t in body["transcripts"]] == [
        i for i in started if i in snapshot.transcripts()]
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert list(rows[0]) == CSV_COLUMNS
    parsed = [(r["session_id"], int(r["turn_index"]), float(r["timestamp"]), r["speaker"],
               r["text"], r["sentiment"]) for r in rows]
    assert parsed == turn_rows(body["transcripts"])
    project_rows = list(csv.reader(io.StringIO(project_csv)))
    assert project_rows[0] == ["campaign_id", "campaign_name", *CSV_COLUMNS]
    grouped = snapshot.exports[project["id"]]["campaigns"]
    assert len(project_rows) - 1 == len(turn_rows([t for g in grouped for t in g["transcripts"]]))
    assert {(r[0], r[1]) for r in project_rows[1:]} <= {
        (g["campaign"]["id"], g["campaign"]["name"]) for g in grouped}


def test_project_export_groups_every_campaign(snapshot: Snapshot) -> None:
    for project in snapshot.projects:
        export = snapshot.exports[project["id"]]
        assert export["project"] == project and export["generated_at"] == NOW
        assert [g["campaign"] for g in export["campaigns"]] == [
            c for c in snapshot.campaigns if c["project_id"] == project["id"]]
        for group in export["campaigns"]:
            assert {t["campaign_id"] for t in group["transcripts"]} <= {group["campaign"]["id"]}


def test_zip_exports(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    campaign = snapshot.biggest_campaign()
    project_id = campaign["project_id"]
    with api(sim_env) as http:
        one = http.get(f"/api/campaigns/{campaign['id']}/transcripts",
                       params={"include_audio": "true"})
        whole = http.get(f"/api/projects/{project_id}/transcripts",
                         params={"include_audio": "true", "format": "csv"})
    assert one.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(one.content))
    exported = json.loads(archive.read("transcripts.json"))["transcripts"]
    manifest = json.loads(archive.read("manifest.json"))
    audio = {n.removeprefix("audio/").removesuffix(".mp3") for n in archive.namelist()
             if n.startswith("audio/")}
    missing = {m["session_id"] for m in manifest["missing_audio"]}
    assert audio and missing and not audio & missing
    assert audio | missing == {t["session_id"] for t in exported}
    assert manifest["session_count"] == len(exported) and manifest["audio_count"] == len(audio)
    assert all(archive.read(f"audio/{i}.mp3").startswith(b"ID3") for i in audio)
    nested = zipfile.ZipFile(io.BytesIO(whole.content))
    names = nested.namelist()
    folders = {n.split("/")[0] for n in names if "/" in n}
    assert "manifest.json" in names and len(folders) == len(snapshot.exports[project_id][
        "campaigns"])
    for folder in folders:
        assert f"{folder}/transcripts.csv" in names
    slug = next(f for f in folders if f.endswith(campaign["id"][:8]))
    assert {n for n in names if n.startswith(f"{slug}/audio/")} == {
        f"{slug}/audio/{i}.mp3" for i in audio}


def test_export_errors(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    campaign = snapshot.campaigns[0]
    with api(sim_env) as http:
        for path in (f"/api/campaigns/{MISSING}/transcripts",
                     f"/api/projects/{MISSING}/transcripts"):
            assert_error(http.get(path), 404)
        for bad in ({"format": "xml"}, {"include_audio": "yes"}):
            assert_error(http.get(f"/api/campaigns/{campaign['id']}/transcripts",
                                  params=bad), 400)


# -- billing and truth -------------------------------------------------------------------------
def test_billing(sim_env: dict[str, str], snapshot: Snapshot) -> None:
    with api(sim_env) as http:
        credits = http.get("/api/billing/credits").json()
        usage = http.get("/api/billing/usage").json()["usage"]
        window = http.get("/api/billing/usage", params={"start_date": usage[3]["date"],
                                                        "end_date": usage[5]["date"]}).json()
        assert_error(http.get("/api/billing/usage", params={"start_date": "soon"}), 400)
    assert credits["total_credits"] == sum(credits[f"{pool}_credits"]
                                           for pool in ("starter", "monthly", "topup"))
    assert credits["estimated_sessions_remaining"] == credits["total_credits"] // 100
    assert credits["currency"] == "eur" and isinstance(credits["needs_topup"], bool)
    assert TS.match(credits["monthly_credits_reset_at"]) and "low_balance_warning" in credits
    assert [u["date"] for u in usage] == sorted(u["date"] for u in usage)
    assert usage[-1]["date"] <= NOW[:10] and window["usage"] == usage[3:6]
    final = [s for s in snapshot.sessions if s["status"] != "in_progress"
             and s["id"] in snapshot.transcripts()]
    assert sum(u["sessions"] for u in usage) == len(final)


def test_truth_matches_what_the_api_serves(snapshot: Snapshot) -> None:
    truth, transcripts = snapshot.truth, snapshot.transcripts()
    for entity, items in (("projects", snapshot.projects), ("campaigns", snapshot.campaigns),
                          ("sessions", snapshot.sessions)):
        records = {item["id"]: item for item in items}
        assert truth[entity]["ids"] == sorted(records)
        assert truth[entity]["checksum"] == checksum(records)
    plain = {key: {k: v for k, v in t.items()
                   if k not in {"participant_email", "status", "campaign_id"}}
             for key, t in transcripts.items()}
    assert truth["transcripts"]["checksum"] == checksum(plain)
    turns = {f"{key}:{i}": turn for key, t in transcripts.items()
             for i, turn in enumerate(t["turns"])}
    assert truth["transcript_turns"]["ids"] == sorted(turns)
    assert truth["transcript_turns"]["checksum"] == checksum(turns)
    assert truth["billing_credits"]["count"] == 1


# -- truth of what analysts need: usage, campaign stats, audio -------------------------------
@pytest.fixture
def relay(sims: dict[str, SimControl]) -> SimControl:
    return sims["interviewrelay"]


def truth_records(control: SimControl, entity: str) -> dict[str, Any]:
    """`GET /_sim/truth/{entity}`: the records themselves, not only their ids."""
    body = httpx.get(f"{control.root}/_sim/truth/{entity}", timeout=30).raise_for_status().json()
    assert (body["source"], body["entity"]) == ("interviewrelay", entity)
    return body["records"]


def test_truth_has_every_day_of_usage(sim_env: dict[str, str], snapshot: Snapshot,
                                      relay: SimControl) -> None:
    with api(sim_env) as http:
        usage = http.get("/api/billing/usage").json()["usage"]
    expected = {row["date"]: row for row in usage}
    assert len(expected) == len(usage) > 30
    assert snapshot.truth["billing_usage"]["ids"] == sorted(expected)
    assert snapshot.truth["billing_usage"]["checksum"] == checksum(expected)
    assert truth_records(relay, "billing_usage") == expected


def test_truth_has_each_campaigns_stats(sim_env: dict[str, str], snapshot: Snapshot,
                                        relay: SimControl) -> None:
    with api(sim_env) as http:
        expected = {c["id"]: http.get(f"/api/campaigns/{c['id']}").json()["stats"]
                    for c in snapshot.campaigns}
    assert any(stats["completed"] for stats in expected.values())
    assert snapshot.truth["campaign_stats"]["ids"] == sorted(expected)
    assert snapshot.truth["campaign_stats"]["checksum"] == checksum(expected)
    assert truth_records(relay, "campaign_stats") == expected


def test_truth_has_the_audio_the_files_listing_offers(sim_env: dict[str, str],
                                                      snapshot: Snapshot,
                                                      relay: SimControl) -> None:
    with api(sim_env) as http:
        listed = {s["id"]: http.get(f"/api/session/{s['id']}/files").json()["files"]
                  for s in snapshot.sessions}
    audio_urls = {session_id: f["url"] for session_id, found in listed.items()
                  for f in found if f["kind"] == "audio"}
    assert audio_urls and len(audio_urls) < len(listed)
    assert snapshot.truth["session_audio"]["ids"] == sorted(audio_urls)
    records = truth_records(relay, "session_audio")
    assert sorted(records) == sorted(audio_urls)
    campaign_of = {s["id"]: s["campaign_id"] for s in snapshot.sessions}
    with httpx.Client(timeout=30) as unsigned:  # signed links need no bearer token
        for session_id in sorted(audio_urls)[:: max(1, len(audio_urls) // 10)]:
            served = unsigned.get(audio_urls[session_id])
            assert served.status_code == 200
            assert records[session_id] == {
                "session_id": session_id, "campaign_id": campaign_of[session_id],
                "media_type": served.headers["content-type"].split(";")[0],
                "bytes": len(served.content),
                "sha256": hashlib.sha256(served.content).hexdigest()}
