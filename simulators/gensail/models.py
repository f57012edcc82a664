"""Gensail records and their JSON views: jobs, algorithm runs, feedback and algorithms.

Each record holds its whole timeline; views are that timeline read at the simulated clock.
Bulky content (transcripts, run results) is generated lazily from a per-record seed and cached,
so building 120 days of history stays cheap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulators.core.clock import fmt_ts
from simulators.core.timeline import Timeline
from simulators.gensail import content

STATUSES = ("queued", "transcribing", "analyzing", "publishing", "completed", "skipped", "failed")
RUN_FINAL = frozenset({"completed", "failed"})


@dataclass
class Algorithm:
    id: str
    name: str
    description: str
    changes: list[tuple[datetime, int, bool]]  # (instant, version, deprecated); first = creation

    @property
    def created_at(self) -> datetime:
        return self.changes[0][0]

    def state(self, now: datetime) -> tuple[datetime, int, bool]:
        return [c for c in self.changes if c[0] <= now][-1]

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, version, deprecated = self.state(now)
        return {"id": self.id, "name": self.name, "description": self.description,
                "version": version, "deprecated": deprecated,
                "created_at": fmt_ts(self.created_at), "updated_at": fmt_ts(updated_at)}


@dataclass
class Run:
    id: int
    job_id: int
    algorithm_id: str
    timeline: Timeline  # pending -> running -> completed | failed
    confidence: float | None
    webhook_delivered: bool
    seed: str
    _result: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def created_at(self) -> datetime:
        return self.timeline.steps[0][0]

    @property
    def final_status(self) -> str:
        return self.timeline.steps[-1][1]

    def view(self, now: datetime) -> dict[str, Any]:
        _, status = self.timeline.state(now)
        done = status in RUN_FINAL
        return {
            "id": self.id,
            "job_id": self.job_id,
            "algorithm_id": self.algorithm_id,
            "status": status,
            "confidence_score": self.confidence if status == "completed" else None,
            "result": self.result() if status == "completed" else None,
            "error": ({"code": "ALGORITHM_TIMEOUT" if self.id % 2 else "MODEL_ERROR",
                       "message": "The model did not return a valid result"}
                      if status == "failed" else None),
            "webhook_delivered": done and self.webhook_delivered,
            "created_at": fmt_ts(self.created_at),
            "completed_at": fmt_ts(self.timeline.steps[-1][0]) if done else None,
        }

    def result(self) -> dict[str, Any]:
        if self._result is None:
            self._result = content.result(self.algorithm_id, random.Random(self.seed + ":result"))
        return self._result


@dataclass
class Job:
    id: int
    workspace_id: str
    parent_job_id: int | None
    source_call_id: str
    source_company_id: str
    timeline: Timeline
    skip_reason: str | None
    recording_url: str | None
    recording_duration: float | None
    algorithm_ids: list[str]
    analytics_only: bool
    transcript_seed: str  # a child job re-analyses its parent's transcript
    analyzing_at: datetime | None = None  # when the transcript becomes visible
    runs: list[Run] = field(default_factory=list)
    _transcript: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def created_at(self) -> datetime:
        return self.timeline.steps[0][0]

    def updated_at(self, now: datetime) -> datetime:
        return self.timeline.state(now)[0]

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.state(now)
        return {
            "id": self.id,
            "parent_job_id": self.parent_job_id,
            "workspace_id": self.workspace_id,
            "source_call_id": self.source_call_id,
            "source_company_id": self.source_company_id,
            "status": status,
            "skip_reason": self.skip_reason if status == "skipped" else None,
            "recording_url": self.recording_url,
            "recording_duration": self.recording_duration,
            "algorithm_ids": list(self.algorithm_ids),
            "analytics_only": self.analytics_only,
            "created_at": fmt_ts(self.created_at),
            "updated_at": fmt_ts(updated_at),
            "completed_at": fmt_ts(updated_at) if status == "completed" else None,
        }

    def has_transcript(self, now: datetime) -> bool:
        return self.analyzing_at is not None and self.analyzing_at <= now

    def transcript(self) -> dict[str, Any]:
        if self._transcript is None:
            self._transcript = content.transcript(random.Random(self.transcript_seed),
                                                  self.recording_duration)
        return self._transcript


@dataclass
class Feedback:
    id: int
    run: Run
    field: str
    created_at: datetime
    confirms: bool  # the reviewer agreed with the algorithm
    comment: str | None
    seed: str

    def view(self) -> dict[str, Any]:
        original = self.run.result()[self.field]
        corrected = (original if self.confirms
                     else content.correction(original, random.Random(self.seed)))
        return {"id": self.id, "algorithm_run_id": self.run.id,
                "algorithm_id": self.run.algorithm_id, "job_id": self.run.job_id,
                "field": self.field, "original_value": original, "corrected_value": corrected,
                "comment": self.comment, "created_at": fmt_ts(self.created_at)}
