"""Gensail Analytics records: jobs, algorithm runs, feedback and algorithms, read at `now`.

Each record holds its whole timeline; views are that timeline read at the simulated clock.
Bulky content (transcripts, run results) is generated lazily from a per-record seed and cached,
so building 120 days of history stays cheap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulators.core import datagen
from simulators.core.clock import fmt_ts
from simulators.core.timeline import Timeline

STATUSES = ("queued", "transcribing", "analyzing", "publishing", "completed", "skipped", "failed")
RUN_FINAL = frozenset({"completed", "failed"})
SENTIMENTS = ["positive", "neutral", "negative", "mixed"]
TOPICS = ["billing", "cancellation", "onboarding", "pricing", "outage", "upgrade", "refund",
          "feature request", "Datenschutz", "facturación", "サポート"]
RISK_LEVELS = ["low", "medium", "high"]
RULES = ["recording_disclosure", "identity_verification", "no_guarantees", "opt_out_offered"]

# id -> (name, description, the `call` fields its result carries)
ALGORITHMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "sentiment_v1": ("Call sentiment", "Overall and per-speaker sentiment of the call",
                     ("call_sentiment", "sentiment_score")),
    "call_summary_v2": ("Call summary", "A short abstract of what was discussed",
                        ("call_summary",)),
    "topic_extraction_v1": ("Topics", "Topics raised during the call", ("call_topics",)),
    "compliance_check_v3": ("Compliance check", "Checks the agent's mandatory disclosures",
                            ("call_compliant", "call_violations")),
    "action_items_v1": ("Action items", "Follow-ups promised on the call",
                        ("call_action_items",)),
    "churn_risk_v2": ("Churn risk", "Likelihood that the caller cancels",
                      ("call_churn_risk", "call_risk_level")),
}


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
        _, status = self.timeline.at(now)  # type: ignore[misc]
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
            self._result = make_result(self.algorithm_id, random.Random(self.seed + ":result"))
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
        return self.timeline.at(now)[0]  # type: ignore[index]

    def view(self, now: datetime) -> dict[str, Any]:
        updated_at, status = self.timeline.at(now)  # type: ignore[misc]
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
            self._transcript = make_transcript(random.Random(self.transcript_seed),
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
        corrected = original if self.confirms else alter(original, random.Random(self.seed))
        return {"id": self.id, "algorithm_run_id": self.run.id,
                "algorithm_id": self.run.algorithm_id, "job_id": self.run.job_id,
                "field": self.field, "original_value": original, "corrected_value": corrected,
                "comment": self.comment, "created_at": fmt_ts(self.created_at)}


def stats_of(algorithm_id: str, runs: list[Run], feedback: list[Feedback],
             now: datetime) -> dict[str, Any]:
    """AlgorithmStats from the visible runs and feedback of one algorithm.

    Accuracy is the share of completed runs that no reviewer corrected (1.0 with none yet).
    """
    completed = sum(r.timeline.at(now)[1] == "completed" for r in runs)  # type: ignore[index]
    corrections = [f for f in feedback if not f.confirms]
    corrected = {f.run.id for f in corrections}
    return {"algorithm_id": algorithm_id, "total_runs": len(runs),
            "runs_with_feedback": len({f.run.id for f in feedback}),
            "corrections": len(corrections),
            "accuracy": round(1 - len(corrected) / completed, 4) if completed else 1.0}


def make_transcript(rng: random.Random, duration: float | None) -> dict[str, Any]:
    length = duration if duration else rng.uniform(60, 900)
    count = rng.randint(4, 36)
    speakers = ["agent", "caller"] + (["SPEAKER_2"] if rng.random() < 0.2 else [])
    utterances, clock, span = [], 0.0, length / count
    for index in range(count):
        speaker = speakers[index % 2] if rng.random() > 0.15 else rng.choice(speakers)
        utterances.append({"speaker": speaker, "text": datagen.sentence(rng, 0.001),
                           "start": round(clock, 2),
                           "end": round(clock + span * rng.uniform(0.5, 0.98), 2)})
        clock += span
    return {"text": "\n".join(u["text"] for u in utterances), "utterances": utterances}


def make_result(algorithm_id: str, rng: random.Random) -> dict[str, Any]:
    """The webhook's `call` fields plus its `data` array; keys depend on the algorithm."""
    if algorithm_id == "sentiment_v1":
        return {"call_sentiment": rng.choice(SENTIMENTS),
                "sentiment_score": round(rng.uniform(-1, 1), 3),
                "data": [{"speaker": s, "sentiment": rng.choice(SENTIMENTS)}
                         for s in ("agent", "caller")]}
    if algorithm_id == "call_summary_v2":
        return {"call_summary": " ".join(datagen.sentence(rng, 0) for _ in range(2)),
                "data": [{"section": s, "text": datagen.sentence(rng, 0)}
                         for s in ("reason", "resolution")]}
    if algorithm_id == "topic_extraction_v1":
        topics = rng.sample(TOPICS, rng.randint(1, 3))
        return {"call_topics": topics,
                "data": [{"topic": t, "relevance": round(rng.random(), 3)} for t in topics]}
    if algorithm_id == "compliance_check_v3":
        failed = [r for r in RULES if rng.random() < 0.15]
        return {"call_compliant": not failed, "call_violations": failed,
                "data": [{"rule": r, "passed": r not in failed} for r in RULES]}
    if algorithm_id == "action_items_v1":
        items = [datagen.sentence(rng, 0) for _ in range(rng.randint(0, 3))]
        return {"call_action_items": items,
                "data": [{"owner": rng.choice(["agent", "caller"]), "item": i} for i in items]}
    risk = round(rng.random(), 3)
    return {"call_churn_risk": risk, "call_risk_level": RISK_LEVELS[min(2, int(risk * 3))],
            "data": [{"signal": rng.choice(TOPICS), "weight": round(rng.random(), 3)}]}


def alter(value: Any, rng: random.Random) -> Any:
    """A reviewer's correction: a value of the same JSON type that differs from `value`."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return round(value + rng.choice([-1, 1]) * rng.uniform(0.05, 0.5), 3)
    if isinstance(value, list):
        extra = rng.choice(TOPICS + RULES)
        return value[:-1] if value and rng.random() < 0.5 else [*value, extra]
    for options in (SENTIMENTS, RISK_LEVELS):
        if value in options:
            return rng.choice([o for o in options if o != value])
    return f"{value} — {datagen.sentence(rng, 0)}"


def seconds(rng: random.Random, low: float, high: float) -> timedelta:
    """A whole-second delay: the API shows whole seconds, so instants must not hide fractions."""
    return timedelta(seconds=max(1, round(rng.uniform(low, high))))
