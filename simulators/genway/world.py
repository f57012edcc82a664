"""The Genway data set: tenants and projects at setup, interviews day by day.

Every draw comes from the random stream handed in (the setup's or the day's), so the data set
is a function of (seed, scale, the reset's `now`) and never of the order of requests.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from simulators.core import datagen
from simulators.core.timeline import Timeline
from simulators.genway.models import Interview, Project

LANGUAGES = ["en", "en-GB", "de", "fr", "es", "ja", "pt-BR", "ar"]


class GenwayWorld:
    def __init__(self, seed: int, scale: float, history_start: datetime,
                 rng: random.Random) -> None:
        self.seed, self.scale = seed, scale
        self.tenants: dict[str, str] = {}  # tenant_id -> api key
        self.projects: dict[str, Project] = {}
        self.interviews: dict[str, Interview] = {}
        for index in range(2):
            tenant_id = datagen.new_uuid(rng)
            self.tenants[tenant_id] = f"gw_sim_{index}_{rng.getrandbits(64):016x}"
            for _ in range(max(2, round(2 * scale))):
                self._add_project(rng, tenant_id, history_start)

    def _add_project(self, rng: random.Random, tenant_id: str, history_start: datetime) -> None:
        # Most projects predate the history; some open during it.
        offset = rng.uniform(-120, 60) if rng.random() < 0.8 else rng.uniform(0, 80)
        created = history_start + timedelta(days=offset, seconds=rng.randrange(86400))
        timeline = Timeline().add(created, "draft").add(
            created + timedelta(hours=rng.uniform(1, 48)), "active")
        if rng.random() < 0.4:
            timeline.add(timeline.steps[-1][0] + timedelta(days=rng.uniform(5, 60)),
                         rng.choice(["paused", "completed"]))
        project = Project(datagen.new_uuid(rng), tenant_id,
                          f"{rng.choice(['Onboarding', 'Pricing', 'Churn', 'Mobile'])} "
                          f"study {len(self.projects) + 1}",
                          rng.choice(["contextual_interview", "prototype_testing"]),
                          timeline)
        self.projects[project.project_id] = project

    def generate_day(self, day: datetime, rng: random.Random) -> None:
        for tenant_id in self.tenants:
            candidates = [p for p in self.projects.values()
                          if p.tenant_id == tenant_id and p.created_at < day]
            candidates = candidates or [p for p in self.projects.values()
                                        if p.tenant_id == tenant_id]
            for created in datagen.day_times(rng, day, datagen.poisson(rng, 2 * self.scale)):
                self._add_interview(rng, tenant_id, rng.choice(candidates).project_id, created)

    def _add_interview(self, rng: random.Random, tenant_id: str, project_id: str,
                       created: datetime) -> None:
        timeline = Timeline().add(created, "scheduled")
        roll = rng.random()
        if roll < 0.05:  # no-show
            timeline.add(created + timedelta(days=14), "abandoned")
        else:
            delay = timedelta(days=rng.uniform(1, 12)) if roll < 0.15 else timedelta(
                minutes=rng.uniform(1, 600))
            start = created + delay
            end = start + timedelta(minutes=rng.uniform(4, 45))
            outcome = rng.choices(["completed", "abandoned", "flagged"], [85, 12, 3])[0]
            timeline.add(start, "in_progress").add(end, outcome)
        name, email = datagen.person(rng)
        metadata = {"source": rng.choice(["web", "email", "panel"]),
                    "cohort": f"c{rng.randint(1, 5)}"}
        if rng.random() < 0.5:
            metadata["user_uuid"] = datagen.new_uuid(rng)
        interview = Interview(
            interview_id=datagen.new_uuid(rng), tenant_id=tenant_id, project_id=project_id,
            created_at=created, timeline=timeline, language=rng.choice(LANGUAGES),
            interviewee={"name": name if rng.random() > 0.1 else None,
                         "email": email if rng.random() > 0.05 else None},
            external_metadata=metadata, has_audio=rng.random() < 0.9,
            has_video=rng.random() < 0.4, deleted=rng.random() < 0.01,
            seed=f"{self.seed}:genway:{rng.getrandbits(64)}")
        self.interviews[interview.interview_id] = interview
