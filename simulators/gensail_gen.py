"""How the Gensail data set comes to be: one workspace, its algorithms, jobs, runs and feedback.

A job is queued, transcribed, analysed by one run per algorithm, published and completed within
minutes. Around that happy path: some jobs sit queued for days; about 8 % are skipped as too
short, and some of those are requeued days later (a change to an old record); about 3 % fail;
child jobs re-run algorithms on a parent's transcript hours to days later; feedback on completed
runs arrives hours to days after the run. Everything is drawn from the per-day random streams,
so the data set is a function of (seed, scale, the reset's `now`).
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from simulators.core import datagen
from simulators.core.clock import day_start
from simulators.core.timeline import Timeline
from simulators.gensail_data import ALGORITHMS, Algorithm, Feedback, Job, Run, seconds

SHIFT_ID_BASE = 900_000_000  # ids of records inserted by the page_shift fault
COMPANIES = ["acme-telecom", "globex", "initech", "umbrella-health", "stark-insurance"]


class GensailWorld:
    def __init__(self, seed: int, scale: float, history_start: datetime,
                 rng: random.Random) -> None:
        self.seed, self.scale = seed, scale
        self.workspace_id = datagen.new_uuid(rng)
        self.token = f"gs_sim_{rng.getrandbits(96):024x}"
        self.jobs: dict[int, Job] = {}
        self.job_order: list[Job] = []  # generated jobs in creation (= id) order
        self.created_times: list[datetime] = []  # their created_at, for bisect
        self.feedback: list[Feedback] = []
        self.last_feedback_at: datetime | None = None  # of generated feedback, not page_shift's
        self.lookup: dict[tuple[str, str], list[Job]] = {}
        self.next_job, self.next_run, self.next_feedback = 40_001, 700_001, 5_001
        self.next_shift = SHIFT_ID_BASE
        self.algorithms: dict[str, Algorithm] = {}
        retiring = set(rng.sample(sorted(ALGORITHMS), 2))
        for algorithm_id, (name, description, _) in ALGORITHMS.items():
            created = history_start - timedelta(days=rng.uniform(20, 400))
            version = rng.randint(1, 4)
            changes = [(created.replace(microsecond=0), version, False)]
            events = sorted(history_start + timedelta(days=rng.uniform(0, 115))
                            for _ in range(rng.choice([0, 0, 1, 2])))
            retired = None
            if algorithm_id in retiring:
                retired = history_start + timedelta(days=rng.uniform(30, 110))
                events = sorted([*events, retired])
            for at in events:
                version += at != retired  # a deprecation keeps the version
                deprecated = at == retired or changes[-1][2]
                changes.append((at.replace(microsecond=0), version, deprecated))
            self.algorithms[algorithm_id] = Algorithm(algorithm_id, name, description, changes)
        self.change_times = sorted(c[0] for a in self.algorithms.values() for c in a.changes)
        self.active_cache: dict[int, list[str]] = {}

    def _active(self, at: datetime) -> list[str]:
        """Algorithms a new job may use: created and not deprecated at `at`."""
        epoch = bisect.bisect_right(self.change_times, at)
        if epoch not in self.active_cache:
            self.active_cache[epoch] = [a.id for a in self.algorithms.values()
                                        if a.created_at <= at and not a.state(at)[2]]
        return self.active_cache[epoch]

    # -- per day ---------------------------------------------------------------------------
    def generate_day(self, day: datetime, rng: random.Random) -> None:
        for created in datagen.day_times(rng, day, datagen.poisson(rng, 6 * self.scale)):
            parent = self._pick_parent(rng, created) if rng.random() < 0.1 else None
            job = self._new_job(rng, created, parent)
            self.job_order.append(job)
            self.created_times.append(created)
            self.lookup.setdefault((job.source_call_id, job.source_company_id), []).append(job)
            self._add_feedback(rng, job)

    def _pick_parent(self, rng: random.Random, created: datetime) -> Job | None:
        """A job created in the 5 days before `created` that completed at least 1 hour before.

        A few random draws instead of a scan keep generation linear at large scales.
        """
        low = bisect.bisect_left(self.created_times, created - timedelta(days=5))
        high = bisect.bisect_left(self.created_times, created - timedelta(hours=1))
        for _ in range(8 if high > low else 0):
            job = self.job_order[rng.randrange(low, high)]
            done_at, status = job.timeline.steps[-1]
            if (job.parent_job_id is None and status == "completed"
                    and done_at <= created - timedelta(hours=1)):
                return job
        return None

    def _new_job(self, rng: random.Random, created: datetime, parent: Job | None) -> Job:
        job_id, self.next_job = self.next_job, self.next_job + 1
        roll = rng.random()
        if parent is not None:
            kind = "fail_analyzing" if roll < 0.03 else "normal"
            active = self._active(created) or list(self.algorithms)
            algorithms = sorted(rng.sample(active, min(len(active), rng.randint(1, 2))))
            job = self.build(rng, job_id, created, kind, True, algorithms, parent=parent)
        else:
            kind = ("skip_requeue" if roll < 0.03 else "skip" if roll < 0.08
                    else "fail_transcribing" if roll < 0.095 else "fail_analyzing"
                    if roll < 0.11 else "normal")
            active = self._active(created) or list(self.algorithms)
            algorithms = sorted(rng.sample(active, min(len(active), rng.randint(1, 3))))
            # Submitted transcripts skip transcription and the duration filter.
            analytics_only = rng.random() < 0.15 and kind == "normal"
            job = self.build(rng, job_id, created, kind, analytics_only, algorithms,
                             stuck=rng.random() < 0.08)
        self.jobs[job.id] = job
        return job

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
            if job.id >= SHIFT_ID_BASE:
                run_id, self.next_shift = self.next_shift, self.next_shift + 1
            else:
                run_id, self.next_run = self.next_run, self.next_run + 1
            job.runs.append(Run(
                id=run_id, job_id=job.id, algorithm_id=algorithm_id,
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

    def _add_feedback(self, rng: random.Random, job: Job) -> None:
        for run in job.runs:
            if run.final_status != "completed" or rng.random() >= 0.15:
                continue
            fields = ALGORITHMS[run.algorithm_id][2]
            for _ in range(2 if rng.random() < 0.2 else 1):
                created = run.timeline.steps[-1][0] + seconds(rng, 2 * 3600, 10 * 86_400)
                if rng.random() < 0.05:  # reviewers' batch imports land at midnight
                    created = day_start(created) + timedelta(days=1)
                elif rng.random() < 0.05 and self.last_feedback_at:
                    created = max(created, self.last_feedback_at)  # a shared timestamp
                self.last_feedback_at = created
                self.feedback.append(self._feedback(rng, self.next_feedback, run, created,
                                                    rng.choice(fields)))
                self.next_feedback += 1

    def _feedback(self, rng: random.Random, feedback_id: int, run: Run, created: datetime,
                  field: str) -> Feedback:
        confirms = rng.random() < 0.2
        comment = (None if rng.random() < 0.4 else "confirmed" if confirms
                   else datagen.sentence(rng, 0))
        return Feedback(feedback_id, run, field, created, confirms, comment,
                        f"{self.seed}:gensail:feedback:{rng.getrandbits(64)}")

    # -- page_shift: records that appear ahead of a listing's cursor ------------------------
    def shift_job(self, anchor: Job, now: datetime) -> Job:
        """A new job whose `updated_at` is 1 s before `anchor`'s and whose status is the same."""
        status = anchor.timeline.at(now)[1]  # type: ignore[index]
        job_id, self.next_shift = self.next_shift, self.next_shift + 1
        rng = random.Random(f"{self.seed}:gensail:shift:{job_id}")
        kind = ("skip" if status == "skipped" else "normal" if status != "failed"
                else "fail_analyzing" if anchor.analyzing_at else "fail_transcribing")
        at = anchor.updated_at(now) - timedelta(seconds=1)
        job = self.build(rng, job_id, at, kind, anchor.analytics_only, list(anchor.algorithm_ids))
        _retime(job, status, at, now)
        self.jobs[job.id] = job
        self.lookup.setdefault((job.source_call_id, job.source_company_id), []).append(job)
        return job

    def shift_feedback(self, anchor: Feedback) -> Feedback:
        feedback_id, self.next_shift = self.next_shift, self.next_shift + 1
        rng = random.Random(f"{self.seed}:gensail:shift:{feedback_id}")
        feedback = self._feedback(rng, feedback_id, anchor.run,
                                  anchor.created_at - timedelta(seconds=1), anchor.field)
        self.feedback.append(feedback)
        return feedback


def _retime(job: Job, status: str, at: datetime, now: datetime) -> None:
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
