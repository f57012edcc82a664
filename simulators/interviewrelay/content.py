"""What an InterviewRelay session says and records, made from the session's own seed.

Generated on first request rather than with the data set, so that building months of history
stays cheap; the same seed always gives the same turns and bytes.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from simulators.core import datagen
from simulators.core.clock import fmt_ts

GREETING = "Hello! Thank you for joining today."
RESUME = "Welcome back! Shall we pick up where we left off?"
SENTIMENTS = ["positive", "neutral", "negative"]
AUDIO_TYPE = "audio/mpeg"
# (seconds from start, speaker, text, sentiment, message created_at): formatted once, read often
Turn = tuple[float, str, str, str, str]


def turns(rng: random.Random, started_at: datetime,
          segments: tuple[tuple[int, int], ...]) -> list[Turn]:
    """About one turn every 45 seconds of talk, alternating AI and participant."""
    found: list[Turn] = []
    for number, (start, end) in enumerate(segments):
        count = max(2, min(60, round((end - start) / 45)))
        span = (end - start) / count
        for index in range(count):
            offset = round(start + index * span + rng.uniform(1.0, span * 0.5), 1)
            created_at = fmt_ts(started_at + timedelta(seconds=offset))
            if len(found) % 2 == 0:
                opener = GREETING if number == 0 else RESUME
                text = opener if index == 0 else datagen.question(rng)
                found.append((offset, "ai", text, "neutral", created_at))
            else:
                sentiment = rng.choices(SENTIMENTS, [35, 45, 20])[0]
                found.append((offset, "participant", datagen.sentence(rng), sentiment,
                              created_at))
    return found


def audio(seed: str, turn_count: int) -> bytes:
    """A stand-in MP3: an ID3 header, then noise fixed by the seed, longer for longer talks."""
    digest = hashlib.sha256(f"{seed}:audio".encode()).digest()
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + digest * (32 + 4 * turn_count)
