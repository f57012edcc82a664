"""Genway Public API v1 simulator (contract: shared/apis/genway.md).

Tenants each hold projects and interviews. An interview is scheduled, may wait days before it
starts, runs for minutes, and ends completed, abandoned or flagged; no-shows are abandoned after
14 days. About 1 % of interviews were deleted: the list index still shows them, but the
interview and its exports answer 404.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core import datagen
from simulators.core.clock import fmt_ts
from simulators.core.simulator import Simulator
from simulators.core.timeline import Timeline

FINAL = frozenset({"completed", "abandoned", "flagged"})
LANGUAGES = ["en", "en-GB", "de", "fr", "es", "ja", "pt-BR", "ar"]


@dataclass
class Project:
    project_id: str
    tenant_id: str
    name: str
    type: str
    timeline: Timeline

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.at(now)  # type: ignore[misc]
        return {
            "project_id": self.project_id,
            "name": self.name,
            "type": self.type,
            "status": status,
            "created_at": fmt_ts(self.timeline.steps[0][0]),
            "updated_at": fmt_ts(updated_at),
        }


@dataclass
class Interview:
    interview_id: str
    tenant_id: str
    project_id: str
    created_at: datetime
    timeline: Timeline
    language: str
    interviewee: dict[str, str | None]
    external_metadata: dict[str, str]
    has_audio: bool
    has_video: bool
    deleted: bool
    seed: str
    _transcript: dict[str, Any] | None = field(default=None, repr=False)

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.at(now)  # type: ignore[misc]
        started = self.timeline.time_of("in_progress")
        started = started if started and started <= now else None
        ended = updated_at if status in FINAL else None
        return {
            "interview_id": self.interview_id,
            "project_id": self.project_id,
            "created_at": fmt_ts(self.created_at),
            "updated_at": fmt_ts(updated_at),
            "status": status,
            "started_at": fmt_ts(started),
            "ended_at": fmt_ts(ended),
            "duration_seconds": (
                int((ended - started).total_seconds()) if ended and started else None),
            "language": self.language,
            "interviewee": dict(self.interviewee),
            "external_metadata": dict(self.external_metadata),
            "has_audio": self.has_audio and status in FINAL and started is not None,
            "has_video": self.has_video and status in FINAL and started is not None,
        }

    def transcript(self) -> dict[str, Any]:
        if self._transcript is None:
            rng = random.Random(self.seed + ":transcript")
            started = self.timeline.time_of("in_progress")
            ended = self.timeline.steps[-1][0]
            length = max((ended - started).total_seconds(), 60.0) if started else 60.0
            count = rng.randint(6, 40)
            turns, clock = [], 0.0
            for index in range(count):
                speaker = "interviewer" if index % 2 == 0 else "participant"
                text = datagen.question(rng) if speaker == "interviewer" else datagen.sentence(rng)
                span = length / count
                turns.append({
                    "index": index,
                    "speaker": speaker,
                    "text": text,
                    "start_seconds": round(clock, 2),
                    "end_seconds": round(clock + span * rng.uniform(0.5, 0.95), 2),
                })
                clock += span
            self._transcript = {"interview_id": self.interview_id, "language": self.language,
                                "turns": turns}
        return self._transcript

    def summary(self) -> dict[str, Any]:
        rng = random.Random(self.seed + ":summary")
        return {
            "interview_id": self.interview_id,
            "summary": " ".join(datagen.sentence(rng, 0) for _ in range(3)),
            "key_insights": [datagen.sentence(rng, 0) for _ in range(rng.randint(1, 5))],
            "generated_at": fmt_ts(self.timeline.steps[-1][0] + timedelta(minutes=2)),
        }


class GenwaySimulator(Simulator):
    name = "genway"
    default_port = 8701
    documented_limit = 50
    optional_fields = frozenset({"started_at", "ended_at", "duration_seconds"})
    numeric_fields = frozenset({"duration_seconds"})

    def setup(self, rng: random.Random) -> None:
        self.tenants: dict[str, str] = {}  # tenant_id -> api key
        self.projects: dict[str, Project] = {}
        self.interviews: dict[str, Interview] = {}
        for index in range(2):
            tenant_id = datagen.new_uuid(rng)
            self.tenants[tenant_id] = f"gw_sim_{index}_{rng.getrandbits(64):016x}"
            for _ in range(max(2, round(2 * self.scale))):
                # Most projects predate the history; some open during it.
                offset = rng.uniform(-120, 60) if rng.random() < 0.8 else rng.uniform(0, 80)
                created = self.history_start + timedelta(days=offset, seconds=rng.randrange(86400))
                timeline = Timeline().add(created, "draft").add(
                    created + timedelta(hours=rng.uniform(1, 48)), "active")
                if rng.random() < 0.4:
                    timeline.add(timeline.steps[-1][0] + timedelta(days=rng.uniform(5, 60)),
                                 rng.choice(["paused", "completed"]))
                project = Project(datagen.new_uuid(rng), tenant_id,
                                  f"{rng.choice(['Onboarding', 'Pricing', 'Churn', 'Mobile'])} "
                                  f"study {len(self.projects) + 1}",
                                  rng.choice(["contextual_interview", "prototype_testing"]),
                                  timeline)
                self.projects[project.project_id] = project

    def generate_day(self, day: datetime, rng: random.Random) -> None:
        for tenant_id in self.tenants:
            candidates = [p for p in self.projects.values()
                          if p.tenant_id == tenant_id and p.timeline.steps[0][0] < day]
            candidates = candidates or [p for p in self.projects.values()
                                        if p.tenant_id == tenant_id]
            for created in datagen.day_times(rng, day, datagen.poisson(rng, 2 * self.scale)):
                self._add_interview(rng, tenant_id, rng.choice(candidates).project_id, created)

    def _add_interview(self, rng: random.Random, tenant_id: str, project_id: str,
                       created: datetime) -> Interview:
        timeline = Timeline().add(created, "scheduled")
        roll = rng.random()
        if roll < 0.05:  # no-show
            timeline.add(created + timedelta(days=14), "abandoned")
        else:
            delay = timedelta(days=rng.uniform(1, 12)) if roll < 0.15 else timedelta(
                minutes=rng.uniform(1, 600))
            start = created + delay
            end = start + timedelta(minutes=rng.uniform(4, 45))
            outcome = rng.choices(["completed", "abandoned", "flagged"], [85, 12, 3])[0]
            timeline.add(start, "in_progress").add(end, outcome)
        name, email = datagen.person(rng)
        metadata = {"source": rng.choice(["web", "email", "panel"]),
                    "cohort": f"c{rng.randint(1, 5)}"}
        if rng.random() < 0.5:
            metadata["user_uuid"] = datagen.new_uuid(rng)
        interview = Interview(
            interview_id=datagen.new_uuid(rng), tenant_id=tenant_id, project_id=project_id,
            created_at=created, timeline=timeline, language=rng.choice(LANGUAGES),
            interviewee={"name": name if rng.random() > 0.1 else None,
                         "email": email if rng.random() > 0.05 else None},
            external_metadata=metadata, has_audio=rng.random() < 0.9,
            has_video=rng.random() < 0.4, deleted=rng.random() < 0.01,
            seed=f"{self.seed}:genway:{rng.getrandbits(64)}")
        self.interviews[interview.interview_id] = interview
        return interview

    def invalidate(self) -> None:
        self._listing: dict[str, list[Interview]] | None = None

    def listing(self, tenant_id: str) -> list[Interview]:
        """Visible interviews of a tenant in the contract's order (created_at, then id)."""
        if self._listing is None:
            visible = sorted((i for i in self.interviews.values() if i.created_at <= self.now),
                             key=lambda i: (i.created_at, i.interview_id))
            self._listing = {t: [] for t in self.tenants}
            for interview in visible:
                self._listing[interview.tenant_id].append(interview)
        return self._listing[tenant_id]

    # -- truth -----------------------------------------------------------------------------
    def truth_records(self) -> dict[str, dict[str, Any]]:
        now = self.now
        projects = {p.project_id: p.view(now) for p in self.projects.values()
                    if p.timeline.steps[0][0] <= now}
        listed = [i for t in self.tenants for i in self.listing(t)]
        live = [i for i in listed if not i.deleted]
        interviews = {i.interview_id: i.view(now) for i in live}
        completed = [i for i in live if interviews[i.interview_id]["status"] == "completed"]
        transcripts = {i.interview_id: i.transcript() for i in completed}
        turns = {f"{key}:{turn['index']}": turn
                 for key, transcript in transcripts.items() for turn in transcript["turns"]}
        return {
            "projects": projects,
            "interviews": interviews,
            "deleted_interviews": {i.interview_id: {"interview_id": i.interview_id}
                                   for i in listed if i.deleted},
            "transcripts": transcripts,
            "transcript_turns": turns,
            "summaries": {i.interview_id: i.summary() for i in completed},
        }

    # -- HTTP ------------------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"error": short, "message": message or short}, status=status)

    def too_many_requests(self, wait: float) -> Response:
        response = self.json({"error": "Too Many Requests",
                              "message": "Rate limit of 50 requests per minute exceeded",
                              "retry_after": self.retry_after_value(wait)}, status=429)
        response.headers["Retry-After"] = self.retry_after_header(wait)
        return response

    def authenticate(self, request: Request) -> Response | None:
        key, tenant = request.headers.get("x-api-key"), request.headers.get("x-tenant-id")
        if not key or not tenant:
            return self.error(401, "Unauthorized", "X-Api-Key and X-Tenant-Id are required")
        owner = next((t for t, k in self.tenants.items() if k == key), None)
        if owner is None:
            return self.error(401, "Unauthorized", "Invalid API key")
        if owner != tenant:
            return self.error(403, "Forbidden", "This API key does not belong to the tenant")
        return None

    def api_routes(self) -> list[Route]:
        base = "/v1/interviews/{interview_id}"
        return [
            Route("/v1/projects", self.list_projects),
            Route("/v1/interviews", self.list_interviews),
            Route(base, self.get_interview),
            Route(base + "/transcript-export", self.transcript_export),
            Route(base + "/summary-export", self.summary_export),
            Route(base + "/audio-export", self.audio_export),
            Route(base + "/video-export", self.video_export),
        ]

    def env_lines(self, base_url: str) -> list[str]:
        pairs = ",".join(f"{t}:{k}" for t, k in self.tenants.items())
        return [f"GENWAY_BASE_URL={base_url}/v1", f"GENWAY_TENANTS={pairs}",
                f"GENWAY_REQUESTS_PER_MINUTE={round(self.documented_limit * self.time_scale)}"]

    async def list_projects(self, request: Request) -> Response:
        tenant = request.headers["x-tenant-id"]
        items = [p.view(self.now) for p in self.projects.values()
                 if p.tenant_id == tenant and p.timeline.steps[0][0] <= self.now]
        items.sort(key=lambda p: (p["created_at"], p["project_id"]))
        return self.json({"data": items}, records=items)

    async def list_interviews(self, request: Request) -> Response:
        tenant = request.headers["x-tenant-id"]
        project_id = request.query_params.get("project_id")
        wanted: dict[str, set[str]] = {}
        for key, value in request.query_params.multi_items():
            if key.startswith("external_metadata[") and key.endswith("]"):
                wanted.setdefault(key[len("external_metadata["):-1], set()).add(value)
        items = [
            {"interview_id": i.interview_id, "project_id": i.project_id,
             "created_at": fmt_ts(i.created_at)}
            for i in self.listing(tenant)
            if (project_id is None or i.project_id == project_id)
            and all(i.external_metadata.get(k) in values for k, values in wanted.items())
        ]
        return self.json({"data": items}, records=items)

    def _interview(self, request: Request) -> Interview | Response:
        interview = self.interviews.get(request.path_params["interview_id"])
        if (interview is None or interview.deleted or interview.created_at > self.now
                or interview.tenant_id != request.headers["x-tenant-id"]):
            return self.error(404, "Not Found", "Interview not found")
        return interview

    async def get_interview(self, request: Request) -> Response:
        interview = self._interview(request)
        if isinstance(interview, Response):
            return interview
        view = interview.view(self.now)
        return self.json(view, records=[view])

    def _completed(self, request: Request) -> Interview | Response:
        interview = self._interview(request)
        if isinstance(interview, Interview) and interview.view(self.now)["status"] != "completed":
            return self.error(409, "Not Ready", "The interview is not completed yet")
        return interview

    async def transcript_export(self, request: Request) -> Response:
        interview = self._completed(request)
        return interview if isinstance(interview, Response) else self.json(interview.transcript())

    async def summary_export(self, request: Request) -> Response:
        interview = self._completed(request)
        return interview if isinstance(interview, Response) else self.json(interview.summary())

    async def _media(self, request: Request, kind: str, media_type: str) -> Response:
        interview = self._interview(request)
        if isinstance(interview, Response):
            return interview
        if not interview.view(self.now)[f"has_{kind}"]:
            return self.error(404, "Not Found", f"No {kind} for this interview")
        digest = hashlib.sha256(f"{interview.seed}:{kind}".encode()).digest()
        header = b"ID3\x04\x00" if kind == "audio" else b"\x00\x00\x00\x18ftypmp42"
        return Response(header + digest * 64, media_type=media_type)

    async def audio_export(self, request: Request) -> Response:
        return await self._media(request, "audio", "audio/mpeg")

    async def video_export(self, request: Request) -> Response:
        return await self._media(request, "video", "video/mp4")
