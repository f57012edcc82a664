"""What the Genway data set shows at one `now`: visible records in the contract's order.

The simulator keeps one snapshot per `now`; the sorted interview index is built on first use.
"""

from __future__ import annotations

from datetime import datetime

from simulators.core.clock import fmt_ts
from simulators.genway.models import Interview, Project
from simulators.genway.world import GenwayWorld


class Snapshot:
    def __init__(self, world: GenwayWorld, now: datetime) -> None:
        self.world, self.now = world, now
        self._listing: dict[str, list[Interview]] | None = None

    def projects(self, tenant_id: str | None = None) -> list[Project]:
        """Projects created by `now` (of one tenant, or all), by (created_at, id)."""
        found = [p for p in self.world.projects.values()
                 if (tenant_id is None or p.tenant_id == tenant_id) and p.created_at <= self.now]
        # By the whole-second instant the API shows: creation instants carry microseconds.
        return sorted(found, key=lambda p: (fmt_ts(p.created_at), p.project_id))

    def listing(self, tenant_id: str) -> list[Interview]:
        """A tenant's interviews as the list index shows them (deleted ones too)."""
        if self._listing is None:
            visible = sorted((i for i in self.world.interviews.values()
                              if i.created_at <= self.now),
                             key=lambda i: (i.created_at, i.interview_id))
            self._listing = {t: [] for t in self.world.tenants}
            for interview in visible:
                self._listing[interview.tenant_id].append(interview)
        return self._listing[tenant_id]

    def listed(self) -> list[Interview]:
        return [i for tenant in self.world.tenants for i in self.listing(tenant)]

    def interview(self, interview_id: str, tenant_id: str) -> Interview | None:
        """The interview a tenant may read: listed, not deleted, and its own."""
        interview = self.world.interviews.get(interview_id)
        if (interview is None or interview.deleted or interview.created_at > self.now
                or interview.tenant_id != tenant_id):
            return None
        return interview

    def has_media(self, interview: Interview, kind: str) -> bool:
        return bool(interview.view(self.now)[f"has_{kind}"])
