"""What a Genway interview says and records, made from the interview's own seed.

Generated on first request rather than with the data set, so that building months of history
stays cheap; the same seed always gives the same text and bytes.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from typing import Any

from simulators.core import datagen
from simulators.core.clock import fmt_ts

MEDIA_TYPES = {"audio": "audio/mpeg", "video": "video/mp4"}
_MEDIA_HEADERS = {"audio": b"ID3\x04\x00", "video": b"\x00\x00\x00\x18ftypmp42"}


def transcript(rng: random.Random, interview_id: str, language: str,
               started: datetime | None, ended: datetime) -> dict[str, Any]:
    length = max((ended - started).total_seconds(), 60.0) if started else 60.0
    count = rng.randint(6, 40)
    turns, clock = [], 0.0
    for index in range(count):
        speaker = "interviewer" if index % 2 == 0 else "participant"
        text = datagen.question(rng) if speaker == "interviewer" else datagen.sentence(rng)
        span = length / count
        turns.append({
            "index": index,
            "speaker": speaker,
            "text": text,
            "start_seconds": round(clock, 2),
            "end_seconds": round(clock + span * rng.uniform(0.5, 0.95), 2),
        })
        clock += span
    return {"interview_id": interview_id, "language": language, "turns": turns}


def summary(rng: random.Random, interview_id: str, generated_at: datetime) -> dict[str, Any]:
    return {
        "interview_id": interview_id,
        "summary": " ".join(datagen.sentence(rng, 0) for _ in range(3)),
        "key_insights": [datagen.sentence(rng, 0) for _ in range(rng.randint(1, 5))],
        "generated_at": fmt_ts(generated_at),
    }


def media(seed: str, kind: str) -> bytes:
    """A stand-in recording: the right magic bytes, then noise fixed by the seed."""
    digest = hashlib.sha256(f"{seed}:{kind}".encode()).digest()
    return _MEDIA_HEADERS[kind] + digest * 64
