"""Genway records and their JSON views (contract: shared/apis/genway.md).

Each record holds its whole timeline; a view is that timeline read at the simulated `now`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulators.core.clock import fmt_ts
from simulators.core.timeline import Timeline
from simulators.genway import content

FINAL = frozenset({"completed", "abandoned", "flagged"})


@dataclass
class Project:
    project_id: str
    tenant_id: str
    name: str
    type: str
    timeline: Timeline

    @property
    def created_at(self) -> datetime:
        return self.timeline.steps[0][0]

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.state(now)
        return {
            "project_id": self.project_id,
            "name": self.name,
            "type": self.type,
            "status": status,
            "created_at": fmt_ts(self.created_at),
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

    def status(self, now: datetime) -> str:
        return self.timeline.state(now)[1]

    def list_item(self) -> dict[str, Any]:
        return {"interview_id": self.interview_id, "project_id": self.project_id,
                "created_at": fmt_ts(self.created_at)}

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.state(now)
        started = self.timeline.time_of("in_progress")
        started = started if started and started <= now else None
        ended = updated_at if status in FINAL else None
        return {
            **self.list_item(),
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
            self._transcript = content.transcript(
                random.Random(self.seed + ":transcript"), self.interview_id, self.language,
                self.timeline.time_of("in_progress"), self.timeline.steps[-1][0])
        return self._transcript

    def summary(self) -> dict[str, Any]:
        return content.summary(random.Random(self.seed + ":summary"), self.interview_id,
                               self.timeline.steps[-1][0] + timedelta(minutes=2))

    def media(self, kind: str) -> bytes:
        return content.media(self.seed, kind)
