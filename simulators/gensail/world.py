"""The Gensail data set: one workspace, its algorithms, jobs, runs and feedback.

Jobs arrive day by day (a job's own life is drawn in `jobs`); about one in ten is a child job
re-running algorithms on a parent's transcript hours to days later; feedback on completed runs
arrives hours to days after the run. Everything is drawn from the random stream handed in, so
the data set is a function of (seed, scale, the reset's `now`).
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from simulators.core import datagen
from simulators.core.clock import day_start
from simulators.gensail.content import ALGORITHMS
from simulators.gensail.jobs import Ids, JobFactory, retime, seconds
from simulators.gensail.models import Algorithm, Feedback, Job, Run


def _algorithms(rng: random.Random, history_start: datetime) -> dict[str, Algorithm]:
    """The catalogue: versions bump now and then, and two algorithms are deprecated."""
    found = {}
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
        found[algorithm_id] = Algorithm(algorithm_id, name, description, changes)
    return found


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
        self.ids = Ids()
        self.factory = JobFactory(seed, self.workspace_id, self.ids)
        self.algorithms = _algorithms(rng, history_start)
        self.change_times = sorted(c[0] for a in self.algorithms.values() for c in a.changes)
        self.active_cache: dict[int, list[str]] = {}

    def _active(self, at: datetime) -> list[str]:
        """Algorithms a new job may use: created and not deprecated at `at`."""
        epoch = bisect.bisect_right(self.change_times, at)
        if epoch not in self.active_cache:
            self.active_cache[epoch] = [a.id for a in self.algorithms.values()
                                        if a.created_at <= at and not a.state(at)[2]]
        return self.active_cache[epoch]

    def _add(self, job: Job) -> Job:
        self.jobs[job.id] = job
        self.lookup.setdefault((job.source_call_id, job.source_company_id), []).append(job)
        return job

    # -- per day ---------------------------------------------------------------------------
    def generate_day(self, day: datetime, rng: random.Random) -> None:
        for created in datagen.day_times(rng, day, datagen.poisson(rng, 6 * self.scale)):
            parent = self._pick_parent(rng, created) if rng.random() < 0.1 else None
            job = self._add(self._new_job(rng, created, parent))
            self.job_order.append(job)
            self.created_times.append(created)
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
        job_id = self.ids.take("job")
        roll = rng.random()
        active = self._active(created) or list(self.algorithms)
        if parent is not None:
            kind = "fail_analyzing" if roll < 0.03 else "normal"
            algorithms = sorted(rng.sample(active, min(len(active), rng.randint(1, 2))))
            return self.factory.build(rng, job_id, created, kind, True, algorithms,
                                      parent=parent)
        kind = ("skip_requeue" if roll < 0.03 else "skip" if roll < 0.08
                else "fail_transcribing" if roll < 0.095 else "fail_analyzing"
                if roll < 0.11 else "normal")
        algorithms = sorted(rng.sample(active, min(len(active), rng.randint(1, 3))))
        # Submitted transcripts skip transcription and the duration filter.
        analytics_only = rng.random() < 0.15 and kind == "normal"
        return self.factory.build(rng, job_id, created, kind, analytics_only, algorithms,
                                  stuck=rng.random() < 0.08)

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
                self.feedback.append(self._feedback(rng, self.ids.take("feedback"), run,
                                                    created, rng.choice(fields)))

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
        status = anchor.timeline.state(now)[1]
        job_id = self.ids.take("shift")
        rng = random.Random(f"{self.seed}:gensail:shift:{job_id}")
        kind = ("skip" if status == "skipped" else "normal" if status != "failed"
                else "fail_analyzing" if anchor.analyzing_at else "fail_transcribing")
        at = anchor.updated_at(now) - timedelta(seconds=1)
        job = self.factory.build(rng, job_id, at, kind, anchor.analytics_only,
                                 list(anchor.algorithm_ids))
        retime(job, status, at, now)
        return self._add(job)

    def shift_feedback(self, anchor: Feedback) -> Feedback:
        feedback_id = self.ids.take("shift")
        rng = random.Random(f"{self.seed}:gensail:shift:{feedback_id}")
        feedback = self._feedback(rng, feedback_id, anchor.run,
                                  anchor.created_at - timedelta(seconds=1), anchor.field)
        self.feedback.append(feedback)
        return feedback
