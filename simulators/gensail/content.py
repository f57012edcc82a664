"""What Gensail's records say, made from each record's own seed: transcripts, algorithm results
and reviewers' corrections.

Generated on first request and cached on the record, so that building months of history stays
cheap; the same seed always gives the same content.
"""

from __future__ import annotations

import random
from typing import Any

from simulators.core import datagen

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


def transcript(rng: random.Random, duration: float | None) -> dict[str, Any]:
    length = duration if duration else rng.uniform(60, 900)
    count = rng.randint(4, 36)
    speakers = ["agent", "caller"] + (["SPEAKER_2"] if rng.random() < 0.2 else [])
    utterances: list[dict[str, Any]] = []
    clock, span = 0.0, length / count
    for index in range(count):
        speaker = speakers[index % 2] if rng.random() > 0.15 else rng.choice(speakers)
        utterances.append({"speaker": speaker, "text": datagen.sentence(rng, 0.001),
                           "start": round(clock, 2),
                           "end": round(clock + span * rng.uniform(0.5, 0.98), 2)})
        clock += span
    return {"text": "\n".join(u["text"] for u in utterances), "utterances": utterances}


def result(algorithm_id: str, rng: random.Random) -> dict[str, Any]:
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


def correction(value: Any, rng: random.Random) -> Any:
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
