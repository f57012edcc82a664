"""A Gensail job's whole life, drawn when the job is created.

A job is queued, transcribed, analysed by one run per algorithm, published and completed within
minutes. Around that happy path: some jobs sit queued for days; short calls are skipped, and
some of those are requeued days later (a change to an old record); some fail while
transcribing or analysing. `retime` moves a finished life so a page-shift insert can take a
given place in the `updated_at` order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from simulators.core.timeline import Timeline
from simulators.gensail.models import Job, Run

SHIFT_ID_BASE = 900_000_000  # ids of records inserted by the page_shift fault
COMPANIES = ["acme-telecom", "globex", "initech", "umbrella-health", "stark-insurance"]


def seconds(rng: random.Random, low: float, high: float) -> timedelta:
    """A whole-second delay: the API shows whole seconds, so instants must not hide fractions."""
    return timedelta(seconds=max(1, round(rng.uniform(low, high))))


@dataclass
class Ids:
    """The next id of each kind; records inserted by page_shift draw from their own range."""

    job: int = 40_001
    run: int = 700_001
    feedback: int = 5_001
    shift: int = SHIFT_ID_BASE

    def take(self, kind: Literal["job", "run", "feedback", "shift"]) -> int:
        value: int = getattr(self, kind)
        setattr(self, kind, value + 1)
        return value


class JobFactory:
    def __init__(self, seed: int, workspace_id: str, ids: Ids) -> None:
        self.seed, self.workspace_id, self.ids = seed, workspace_id, ids

    def build(self, rng: random.Random, job_id: int, created: datetime, kind: str,
              analytics_only: bool, algorithm_ids: list[str], parent: Job | None = None,
              stuck: bool = False) -> Job:
        """A job with its whole life; `kind` is normal, skip, skip_requeue or fail_<stage>."""
        short = kind.startswith("skip")
        duration = (round(rng.uniform(2, 29.9), 1) if short
                    else round(rng.uniform(45, 3600), 1) if not analytics_only else None)
        call_id = f"call-{rng.getrandbits(48):012x}"
        job = Job(
            id=job_id, workspace_id=self.workspace_id,
            parent_job_id=parent.id if parent else None,
            source_call_id=parent.source_call_id if parent else call_id,
            source_company_id=parent.source_company_id if parent else rng.choice(COMPANIES),
            timeline=Timeline().add(created, "queued"),
            skip_reason="recording_duration < 30 s" if short else None,
            recording_url=(parent.recording_url if parent else
                           None if duration is None else
                           f"https://recordings.example.com/{call_id}.mp3"),
            recording_duration=parent.recording_duration if parent else duration,
            algorithm_ids=algorithm_ids, analytics_only=analytics_only,
            transcript_seed=(parent.transcript_seed if parent
                             else f"{self.seed}:gensail:transcript:{rng.getrandbits(64)}"))
        if short:
            skipped = created + seconds(rng, 2, 90)
            job.timeline.add(skipped, "skipped")
            if kind == "skip_requeue":
                requeued = skipped + seconds(rng, 86_400, 10 * 86_400)
                job.timeline.add(requeued, "queued")
                self._flow(rng, job, requeued, "normal", stuck=False)
            return job
        self._flow(rng, job, created, kind, stuck)
        return job

    def _flow(self, rng: random.Random, job: Job, queued: datetime, kind: str,
              stuck: bool) -> None:
        at = queued + (seconds(rng, 86_400, 5 * 86_400) if stuck else seconds(rng, 3, 600))
        if not job.analytics_only:
            job.timeline.add(at, "transcribing")
            at += seconds(rng, 30, 60 + (job.recording_duration or 60) / 3)
            if kind == "fail_transcribing":
                job.timeline.add(at, "failed")
                return
        job.timeline.add(at, "analyzing")
        job.analyzing_at = at
        ends = []
        for index, algorithm_id in enumerate(job.algorithm_ids):
            running = at + seconds(rng, 1, 30)
            end = running + seconds(rng, 10, 300)
            failed = (kind == "fail_analyzing" and index == 0) or rng.random() < 0.02
            job.runs.append(Run(
                id=self.ids.take("shift" if job.id >= SHIFT_ID_BASE else "run"),
                job_id=job.id, algorithm_id=algorithm_id,
                timeline=Timeline().add(at, "pending").add(running, "running").add(
                    end, "failed" if failed else "completed"),
                confidence=None if rng.random() < 0.1 else round(rng.uniform(0, 100), 1),
                webhook_delivered=rng.random() < 0.97,
                seed=f"{self.seed}:gensail:run:{rng.getrandbits(64)}"))
            ends.append(end)
        at = max(ends, default=at) + seconds(rng, 1, 30)
        if kind == "fail_analyzing":
            job.timeline.add(at, "failed")
            return
        job.timeline.add(at, "publishing").add(at + seconds(rng, 5, 120), "completed")


def retime(job: Job, status: str, at: datetime, now: datetime) -> None:
    """Move `job` so that `status` begins exactly at `at` and what follows it lies after `now`."""
    pivot = job.timeline.time_of(status)
    assert pivot is not None
    instants = [t for t, _ in job.timeline.steps]
    instants += [t for run in job.runs for t, _ in run.timeline.steps]
    later = [t for t in instants if t > pivot]
    before = at - pivot
    after = max(before, now + timedelta(minutes=1) - min(later)) if later else before

    def move(t: datetime) -> datetime:
        return t + (before if t <= pivot else after)

    job.timeline.steps = [(move(t), s) for t, s in job.timeline.steps]
    for run in job.runs:
        run.timeline.steps = [(move(t), s) for t, s in run.timeline.steps]
    if job.analyzing_at is not None:
        job.analyzing_at = move(job.analyzing_at)
