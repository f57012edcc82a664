"""What the Gensail data set shows at one `now`, in the contract's orders.

Jobs are sorted once per `now` by (updated_at, id), so a listing with `updated_after` is a
bisect and a slice; algorithm stats are computed on first use.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from typing import Any

from simulators.gensail.models import Feedback, Job, Run
from simulators.gensail.world import GensailWorld

JobRow = tuple[datetime, int, str, Job]  # (updated_at, id, status, job)


def stats_of(algorithm_id: str, runs: list[Run], feedback: list[Feedback],
             now: datetime) -> dict[str, Any]:
    """AlgorithmStats from the visible runs and feedback of one algorithm.

    Accuracy is the share of completed runs that no reviewer corrected (1.0 with none yet).
    """
    completed = sum(r.timeline.state(now)[1] == "completed" for r in runs)
    corrections = [f for f in feedback if not f.confirms]
    corrected = {f.run.id for f in corrections}
    return {"algorithm_id": algorithm_id, "total_runs": len(runs),
            "runs_with_feedback": len({f.run.id for f in feedback}),
            "corrections": len(corrections),
            "accuracy": round(1 - len(corrected) / completed, 4) if completed else 1.0}


class Snapshot:
    def __init__(self, world: GensailWorld, now: datetime) -> None:
        self.world, self.now = world, now
        self.jobs: list[JobRow] = []
        for job in world.jobs.values():
            if job.created_at <= now:
                updated_at, status = job.timeline.state(now)
                self.jobs.append((updated_at, job.id, status, job))
        self.jobs.sort(key=lambda row: (row[0], row[1]))
        self.job_keys = [row[0] for row in self.jobs]
        self.feedback = sorted((f for f in world.feedback if f.created_at <= now),
                               key=lambda f: (f.created_at, f.id))
        self._stats: dict[str, dict[str, Any]] | None = None

    def job(self, job_id: int) -> Job | None:
        job = self.world.jobs.get(job_id)
        return job if job is not None and job.created_at <= self.now else None

    def job_rows(self, statuses: set[str], created_after: datetime | None,
                 created_before: datetime | None, updated_after: datetime | None) -> list[JobRow]:
        start = bisect.bisect_right(self.job_keys, updated_after) if updated_after else 0
        return [row for row in self.jobs[start:]
                if (not statuses or row[2] in statuses)
                and (created_after is None or row[3].created_at >= created_after)
                and (created_before is None or row[3].created_at < created_before)]

    def runs(self, job: Job) -> list[Run]:
        return sorted((r for r in job.runs if r.created_at <= self.now),
                      key=lambda r: (r.created_at, r.id))

    def feedback_rows(self, algorithm_id: str | None,
                      created_after: datetime | None) -> list[Feedback]:
        return [f for f in self.feedback
                if (algorithm_id is None or f.run.algorithm_id == algorithm_id)
                and (created_after is None or f.created_at >= created_after)]

    def algorithms(self) -> list[dict[str, Any]]:
        found = [a for a in self.world.algorithms.values() if a.created_at <= self.now]
        found.sort(key=lambda a: (a.created_at, a.id))
        return [a.view(self.now) for a in found]

    def algorithm_stats(self) -> dict[str, dict[str, Any]]:
        if self._stats is None:
            runs = [r for row in self.jobs for r in row[3].runs if r.created_at <= self.now]
            self._stats = {
                a["id"]: stats_of(a["id"], [r for r in runs if r.algorithm_id == a["id"]],
                                  [f for f in self.feedback if f.run.algorithm_id == a["id"]],
                                  self.now)
                for a in self.algorithms()}
        return self._stats
