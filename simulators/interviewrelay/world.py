"""The InterviewRelay data set: generation day by day, and page-shift inserts.

Projects and their first campaigns come first; each day may open a campaign and brings
about 5 * scale sessions, spread over the campaigns active that whole day (weighted by project,
so one project dominates as real accounts do). One project belongs to another user: its records
exist but answer 404 to our key. Sessions are kept sorted once, so a read at `now` is a prefix.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from simulators.core import datagen
from simulators.core.timeline import Timeline
from simulators.interviewrelay.models import Campaign, Project, Session

PROJECT_TOPICS = ["Customer research", "Pricing", "Onboarding", "Kundenfeedback", "Recherche UX",
                  "製品リサーチ", "Churn", "Mobile"]
CAMPAIGN_TOPICS = ["Q4 Customer Feedback", "Onboarding — first week", "Preisstudie Ü30",
                   "Churn interviews", "Mobile app 📱 beta", "Évaluation du support", "価格調査",
                   'Win/loss "deep dive"', "Feature discovery", "NPS follow-up"]


def _later(rng: random.Random, base: datetime, low_days: float, high_days: float) -> datetime:
    return base + timedelta(seconds=rng.randint(int(low_days * 86_400), int(high_days * 86_400)))


def plan_session(rng: random.Random) -> tuple[str, tuple[tuple[int, int], ...], int]:
    """(outcome, segments, seconds until final) for a new session.

    ~70 % complete after minutes; ~20 % are abandoned after an idle spell (a few without a word
    said); ~10 % stay open for 1-6 days, then complete after a second stretch or are abandoned.
    """
    roll = rng.random()
    if roll < 0.7:
        talk = rng.randint(5 * 60, 45 * 60)
        return "completed", ((0, talk),), talk + rng.randint(2, 30)
    if roll < 0.9:
        talk = 0 if rng.random() < 0.1 else rng.randint(60, 15 * 60)
        segments = ((0, talk),) if talk else ()
        return "abandoned", segments, talk + rng.randint(30 * 60, 180 * 60)
    first = rng.randint(2 * 60, 15 * 60)
    total = rng.randint(86_400, 6 * 86_400)
    if rng.random() < 0.6:
        resume = rng.randint(5 * 60, 30 * 60)
        return "completed", ((0, first), (total - resume, total)), total + rng.randint(2, 30)
    return "abandoned", ((0, first),), total


class RelayWorld:
    def __init__(self, seed: int, scale: float, history_start: datetime,
                 rng: random.Random) -> None:
        self.seed, self.scale, self.history_start = seed, scale, history_start
        self.projects: dict[str, Project] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.sessions: dict[str, Session] = {}
        self.inserts = 0
        self._sorted: list[Session] | None = None
        self._starts: list[datetime] = []
        self._add_projects(rng)

    # -- generation ------------------------------------------------------------------------
    def _add_projects(self, rng: random.Random) -> None:
        mine = max(3, round(2 + self.scale**0.5))
        for index in range(mine + 1):
            if index == 0:
                created = _later(rng, self.history_start, -200, -60)
            elif index == mine - 1 or rng.random() < 0.25:  # opened during the history
                created = _later(rng, self.history_start, 5, 60)
            else:
                created = _later(rng, self.history_start, -200, -5)
            weight = 6.0 if index == 0 else rng.uniform(1, 4) if index < mine else 0.5
            description = None if rng.random() < 0.3 else datagen.sentence(rng, 0)
            project = Project(datagen.new_uuid(rng), f"{rng.choice(PROJECT_TOPICS)} {index + 1}",
                              description, created, index < mine, weight)
            self.projects[project.id] = project
            for number in range(rng.randint(2, 4)):
                # The first project's first campaign never closes: sessions always have a home.
                self.add_campaign(rng, project, _later(rng, created, 0.1, 20),
                                  forever=index == 0 and number == 0)

    def add_campaign(self, rng: random.Random, project: Project, created: datetime,
                     forever: bool = False, timeline: Timeline | None = None) -> Campaign:
        if timeline is None:
            timeline = Timeline().add(created, "active")
            if not forever and rng.random() < 0.6:
                timeline.add(_later(rng, created, 20, 90), "completed")
                if rng.random() < 0.5:
                    timeline.add(_later(rng, timeline.steps[-1][0], 10, 60), "archived")
        record_id = datagen.new_uuid(rng)
        name = f"{rng.choice(CAMPAIGN_TOPICS)} #{len(self.campaigns) + 1}"
        campaign = Campaign(record_id, name, datagen.new_uuid(rng), project.id, project.mine,
                            project.weight, rng.choice([168, 168, 168, 72, 336]), timeline)
        self.campaigns[campaign.id] = campaign
        return campaign

    def generate_day(self, day: datetime, rng: random.Random) -> None:
        for project in list(self.projects.values()):
            if project.created_at < day and rng.random() < 0.03:
                self.add_campaign(rng, project, _later(rng, day, 0, 0.9999))
        end = day + timedelta(days=1)
        open_all_day = [c for c in self.campaigns.values() if c.created_at <= day
                        and c.status(day) == "active" and c.status(end) == "active"]
        weights = [c.weight for c in open_all_day]
        for started in datagen.day_times(rng, day, datagen.poisson(rng, 5 * self.scale)):
            if open_all_day:
                self.add_session(rng, rng.choices(open_all_day, weights)[0], started)

    def add_session(self, rng: random.Random, campaign: Campaign, started: datetime,
                    plan: tuple[str, tuple[tuple[int, int], ...], int] | None = None) -> Session:
        outcome, segments, final = plan or plan_session(rng)
        _, email = datagen.person(rng)
        session = Session(datagen.new_uuid(rng), campaign.id, campaign.mine, email, started,
                          started + timedelta(seconds=final), outcome, segments,
                          has_audio=rng.random() < 0.9,
                          seed=f"{self.seed}:interviewrelay:{rng.getrandbits(64)}")
        # Each session answers one invite; some invites of the campaign go unanswered.
        valid = campaign.invite_valid_hours * 3600
        for _ in range(1 + rng.choice([0, 0, 1, 1, 2])):
            sent = started - timedelta(seconds=rng.randint(60, valid * 4 // 5))
            bisect.insort(campaign.invites, max(sent, campaign.created_at))
        self.sessions[session.id] = session
        self._sorted = None
        return session

    # -- page_shift: real records inserted 1 s ahead of a listing's cursor -----------------------
    def _shift_rng(self) -> random.Random:
        self.inserts += 1
        return random.Random(f"{self.seed}:interviewrelay:shift:{self.inserts}")

    def shift_sessions(self, anchor: Session, count: int) -> None:
        rng = self._shift_rng()
        final = int((anchor.ended_at - anchor.started_at).total_seconds())
        for _ in range(count):
            self.add_session(rng, self.campaigns[anchor.campaign_id],
                             anchor.started_at - timedelta(seconds=1),
                             (anchor.outcome, anchor.segments, final))

    def shift_campaigns(self, anchor: Campaign, count: int) -> None:
        rng = self._shift_rng()
        for _ in range(count):
            timeline = Timeline([(at - timedelta(seconds=1), s) for at, s in anchor.timeline.steps])
            self.add_campaign(rng, self.projects[anchor.project_id], timeline.steps[0][0],
                              timeline=timeline)

    def shift_projects(self, anchor: Project, count: int) -> None:
        rng = self._shift_rng()
        for _ in range(count):
            project = Project(datagen.new_uuid(rng), f"{rng.choice(PROJECT_TOPICS)} (new)", None,
                              anchor.created_at - timedelta(seconds=1), True, 1.0)
            self.projects[project.id] = project

    # -- reads -----------------------------------------------------------------------------
    def sorted_sessions(self) -> tuple[list[Session], list[datetime]]:
        """Our sessions by (started_at, id), past and future, with their start instants."""
        if self._sorted is None:
            self._sorted = sorted((s for s in self.sessions.values() if s.mine),
                                  key=lambda s: s.key)
            self._starts = [s.started_at for s in self._sorted]
        return self._sorted, self._starts
