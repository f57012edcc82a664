"""What our key can see of the InterviewRelay data set at one `now`.

Rebuilt after advance, reset and page-shift inserts. Sessions are a prefix of the world's sorted
list; filtered session lists and billing charges are computed on first use and kept.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import date, datetime
from typing import Any

from simulators.interviewrelay import billing
from simulators.interviewrelay.models import Campaign, Project, Session
from simulators.interviewrelay.world import RelayWorld

FILTER_CACHE = 64


class Snapshot:
    def __init__(self, world: RelayWorld, now: datetime) -> None:
        self.world, self.now = world, now
        ordered, starts = world.sorted_sessions()
        cut = bisect.bisect_right(starts, now)
        self.sessions, self.starts = ordered[:cut], starts[:cut]
        self.statuses = [s.status(now) for s in self.sessions]
        self.completed = Counter(s.campaign_id
                                 for s, status in zip(self.sessions, self.statuses, strict=True)
                                 if status == "completed")
        self._filtered: dict[tuple[str | None, str | None, datetime | None, datetime | None],
                             list[Session]] = {}
        self._charges: list[tuple[datetime, int]] | None = None

    # -- sessions ----------------------------------------------------------------------------
    def session_list(self, campaign_id: str | None, status: str | None,
                     start: datetime | None, end: datetime | None) -> list[Session]:
        key = (campaign_id, status, start, end)
        if key not in self._filtered:
            low = bisect.bisect_left(self.starts, start) if start else 0
            high = bisect.bisect_left(self.starts, end) if end else len(self.starts)
            pairs = zip(self.sessions[low:high], self.statuses[low:high], strict=True)
            if len(self._filtered) >= FILTER_CACHE:
                self._filtered.clear()
            self._filtered[key] = [
                s for s, st in pairs
                if (campaign_id is None or s.campaign_id == campaign_id)
                and (status is None or st == status)
            ]
        return self._filtered[key]

    def session(self, record_id: str) -> Session | None:
        session = self.world.sessions.get(record_id)
        return session if session and session.mine and session.started_at <= self.now else None

    # -- projects and campaigns --------------------------------------------------------------
    def projects(self) -> list[Project]:
        found = [p for p in self.world.projects.values() if p.mine and p.created_at <= self.now]
        return sorted(found, key=lambda p: (p.created_at, p.id))

    def project(self, record_id: str) -> Project | None:
        project = self.world.projects.get(record_id)
        return project if project and project.mine and project.created_at <= self.now else None

    def campaigns(self, project_id: str | None = None, status: str | None = None) -> list[Campaign]:
        found = [c for c in self.world.campaigns.values()
                 if c.mine and c.created_at <= self.now
                 and (project_id is None or c.project_id == project_id)
                 and (status is None or c.status(self.now) == status)]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def campaign(self, record_id: str) -> Campaign | None:
        campaign = self.world.campaigns.get(record_id)
        return campaign if campaign and campaign.mine and campaign.created_at <= self.now else None

    def campaign_view(self, campaign: Campaign) -> dict[str, Any]:
        return campaign.view(self.now, self.completed[campaign.id])

    def campaign_detail(self, campaign: Campaign) -> dict[str, Any]:
        """The list item plus `stats`, as `GET /api/campaigns/{id}` shows it."""
        view = self.campaign_view(campaign)
        started = len(self.session_list(campaign.id, None, None, None))
        view["stats"] = {"invites_sent": view["invites_sent"], "started": started,
                         "completed": view["completed"],
                         "completion_rate": round(view["completed"] / started, 2) if started
                         else 0.0}
        return view

    # -- billing -----------------------------------------------------------------------------
    def charges(self) -> list[tuple[datetime, int]]:
        if self._charges is None:
            self._charges = billing.charges(self.sessions, self.now)
        return self._charges

    def credits(self) -> dict[str, Any]:
        return billing.credits(self.charges(), self.now, self.world.scale,
                               self.world.history_start)

    def usage(self, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
        return billing.usage(self.charges(), start, end)
