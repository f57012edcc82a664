"""InterviewRelay records and their JSON views, read at the simulated `now`.

A session's whole life is fixed when it is generated: when it starts, when it becomes final and
how, and the stretches of conversation (segments). The transcript text is generated lazily from
the session's own seed; at `now` the API shows the turns spoken so far, so a session in progress,
or one that was abandoned, has a partial transcript.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulators.core.clock import fmt_ts
from simulators.core.timeline import Timeline
from simulators.interviewrelay import content
from simulators.interviewrelay.content import Turn


@dataclass
class Project:
    id: str
    name: str
    description: str | None
    created_at: datetime
    mine: bool  # False: another user's project, which answers 404 to our key
    weight: float  # share of new sessions going to this project's campaigns

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "created_at": fmt_ts(self.created_at)}


@dataclass
class Campaign:
    id: str
    name: str
    script_id: str
    project_id: str
    mine: bool
    weight: float
    invite_valid_hours: int
    timeline: Timeline
    invites: list[datetime] = field(default_factory=list)  # sorted instants invites went out

    @property
    def created_at(self) -> datetime:
        return self.timeline.steps[0][0]

    def status(self, now: datetime) -> str:
        step = self.timeline.at(now)
        return step[1] if step else "active"

    def view(self, now: datetime, completed: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "script_id": self.script_id,
            "project_id": self.project_id,
            "status": self.status(now),
            "invite_valid_hours": self.invite_valid_hours,
            "created_at": fmt_ts(self.created_at),
            "invites_sent": bisect.bisect_right(self.invites, now),
            "completed": completed,
        }


@dataclass
class Session:
    id: str
    campaign_id: str
    mine: bool
    participant_email: str
    started_at: datetime
    ended_at: datetime  # when it became final
    outcome: str  # "completed" | "abandoned"
    segments: tuple[tuple[int, int], ...]  # stretches of talk, seconds from started_at
    has_audio: bool
    seed: str
    _turns: list[Turn] | None = field(default=None, repr=False)
    _offsets: list[float] | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.started_at, self.id)

    def status(self, now: datetime) -> str:
        return self.outcome if now >= self.ended_at else "in_progress"

    def turns(self) -> list[Turn]:
        if self._turns is None:
            turns = content.turns(random.Random(self.seed + ":transcript"), self.started_at,
                                  self.segments)
            # Offsets first: a ZIP stream may read `_turns` from a worker thread.
            self._offsets = [turn[0] for turn in turns]
            self._turns = turns
        return self._turns

    def visible_count(self, now: datetime) -> int:
        if now >= self.ended_at:
            return len(self.turns())
        if now < self.started_at:
            return 0
        self.turns()
        assert self._offsets is not None
        return bisect.bisect_right(self._offsets, (now - self.started_at).total_seconds())

    def updated_at(self, now: datetime) -> datetime:
        """The latest change: the final status, else the last turn spoken so far."""
        if now >= self.ended_at:
            return self.ended_at
        count = self.visible_count(now)
        if count == 0:
            return self.started_at
        return self.started_at + timedelta(seconds=self.turns()[count - 1][0])

    def has_audio_at(self, now: datetime) -> bool:
        return self.has_audio and now >= self.ended_at and bool(self.segments)

    def view(self, now: datetime) -> dict[str, Any]:
        status = self.status(now)
        final = status != "in_progress"
        minutes = round((self.ended_at - self.started_at).total_seconds() / 60)
        return {
            "id": self.id,
            "campaign_id": self.campaign_id,
            "participant_email": self.participant_email,
            "status": status,
            "duration_minutes": minutes if final else None,
            "started_at": fmt_ts(self.started_at),
            "completed_at": fmt_ts(self.ended_at) if status == "completed" else None,
            "updated_at": fmt_ts(self.updated_at(now)),
        }

    def transcript(self, now: datetime) -> dict[str, Any] | None:
        """The transcript as spoken by `now`; None before the first turn."""
        count = self.visible_count(now)
        if count == 0:
            return None
        turns = self.turns()[:count]
        return {
            "session_id": self.id,
            "started_at": fmt_ts(self.started_at),
            "completed_at": fmt_ts(self.ended_at) if self.status(now) == "completed" else None,
            "messages": [
                {"role": "assistant" if speaker == "ai" else "user", "content": text,
                 "created_at": created_at}
                for _, speaker, text, _, created_at in turns
            ],
            "turns": [
                {"timestamp": offset, "speaker": speaker, "text": text, "sentiment": sentiment}
                for offset, speaker, text, sentiment, _ in turns
            ],
        }

    def audio(self) -> bytes:
        return content.audio(self.seed, len(self.turns()))
