"""Gensail Analytics API simulator (contract: shared/apis/gensail.md).

One workspace, reached with one token (Bearer or `x-api-key`). The data set lives in
`GensailWorld`; this module reads it at the simulated `now` and serves it. Listings are cut from
a snapshot of the visible records, sorted once per `now`.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.simulator import Simulator
from simulators.gensail_data import Feedback, Job, stats_of
from simulators.gensail_gen import GensailWorld
from simulators.gensail_http import routes


@dataclass
class Snapshot:
    """What is visible at one `now`, in the contract's orders."""

    jobs: list[tuple[datetime, int, str, Job]]  # (updated_at, id, status, job)
    job_keys: list[datetime]
    feedback: list[Feedback]  # by (created_at, id)
    stats: dict[str, dict[str, Any]] | None = None


class GensailSimulator(Simulator[GensailWorld, Snapshot]):
    name = "gensail"
    default_port = 8702
    documented_limit = 120
    optional_fields = frozenset({"parent_job_id", "skip_reason", "recording_url",
                                 "recording_duration", "completed_at", "confidence_score",
                                 "result", "error", "comment", "transcript"})
    numeric_fields = frozenset({"recording_duration", "confidence_score"})

    def new_world(self, rng: random.Random) -> GensailWorld:
        return GensailWorld(self.seed, self.scale, self.history_start, rng)

    def read(self, world: GensailWorld, now: datetime) -> Snapshot:
        jobs = []
        for job in world.jobs.values():
            if job.created_at <= now:
                updated_at, status = job.timeline.at(now)  # type: ignore[misc]
                jobs.append((updated_at, job.id, status, job))
        jobs.sort(key=lambda row: (row[0], row[1]))
        feedback = sorted((f for f in world.feedback if f.created_at <= now),
                          key=lambda f: (f.created_at, f.id))
        return Snapshot(jobs, [row[0] for row in jobs], feedback)

    def visible_algorithms(self) -> list[dict[str, Any]]:
        algorithms = [a for a in self.world.algorithms.values() if a.created_at <= self.now]
        algorithms.sort(key=lambda a: (a.created_at, a.id))
        return [a.view(self.now) for a in algorithms]

    def algorithm_stats(self) -> dict[str, dict[str, Any]]:
        snap, now = self.snap(), self.now
        if snap.stats is None:
            runs = [r for row in snap.jobs for r in row[3].runs if r.created_at <= now]
            snap.stats = {
                a["id"]: stats_of(a["id"], [r for r in runs if r.algorithm_id == a["id"]],
                                  [f for f in snap.feedback if f.run.algorithm_id == a["id"]],
                                  now)
                for a in self.visible_algorithms()}
        return snap.stats

    # -- truth -----------------------------------------------------------------------------
    def truth_records(self) -> dict[str, dict[str, Any]]:
        now, snap = self.now, self.snap()
        jobs = [row[3] for row in snap.jobs]
        transcripts = {str(j.id): j.transcript() for j in jobs if j.has_transcript(now)}
        return {
            "jobs": {str(j.id): j.view(now) for j in jobs},
            "job_transcripts": transcripts,
            "transcript_utterances": {f"{key}:{index}": utterance
                                      for key, transcript in transcripts.items()
                                      for index, utterance in enumerate(transcript["utterances"])},
            "algorithm_runs": {str(r.id): r.view(now) for j in jobs for r in j.runs
                               if r.created_at <= now},
            "algorithms": {a["id"]: a for a in self.visible_algorithms()},
            "feedback": {str(f.id): f.view() for f in snap.feedback},
            "algorithm_stats": dict(self.algorithm_stats()),
        }

    # -- auth and errors -------------------------------------------------------------------
    def error(self, status: int, short: str, message: str = "") -> Response:
        return self.json({"detail": message or short}, status=status)

    @staticmethod
    def token_of(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer " and header[7:].strip():
            return header[7:].strip()
        return request.headers.get("x-api-key") or None

    def rate_key(self, request: Request) -> str:
        token = self.token_of(request)
        if token:
            return f"token:{token}"
        return f"client:{request.client.host if request.client else 'unknown'}"

    def authenticate(self, request: Request) -> Response | None:
        if request.url.path == "/health":
            return None
        token = self.token_of(request)
        if token is None:
            return self.error(401, "Unauthorized", "Not authenticated: send a Bearer token "
                                                   "or an x-api-key header")
        if token != self.world.token:
            return self.error(401, "Unauthorized", "Invalid token")
        return None

    def env_lines(self, base_url: str) -> list[str]:
        return [f"GENSAIL_BASE_URL={base_url}", f"GENSAIL_API_TOKEN={self.world.token}",
                f"GENSAIL_REQUESTS_PER_MINUTE={round(self.documented_limit * self.time_scale)}"]

    def api_routes(self) -> list[Route]:
        return routes(self)

    # -- listings --------------------------------------------------------------------------
    def job_rows(self, statuses: set[str], created_after: datetime | None,
                 created_before: datetime | None,
                 updated_after: datetime | None) -> list[tuple[datetime, int, str, Job]]:
        snap = self.snap()
        start = bisect.bisect_right(snap.job_keys, updated_after) if updated_after else 0
        return [row for row in snap.jobs[start:]
                if (not statuses or row[2] in statuses)
                and (created_after is None or row[3].created_at >= created_after)
                and (created_before is None or row[3].created_at < created_before)]

    def feedback_rows(self, algorithm_id: str | None,
                      created_after: datetime | None) -> list[Feedback]:
        return [f for f in self.snap().feedback
                if (algorithm_id is None or f.run.algorithm_id == algorithm_id)
                and (created_after is None or f.created_at >= created_after)]

    def shift_ahead(self, page: int, page_size: int, rows: list,
                    insert: Callable[[Any], object]) -> bool:
        """page_shift: add records just behind the cursor (the last record already served)."""
        if page <= 1 or not rows:
            return False
        count = self.page_shift()
        if not count:
            return False
        anchor = rows[min((page - 1) * page_size, len(rows)) - 1]
        for _ in range(count):
            insert(anchor)
        self.invalidate()
        return True

