"""What a complete InterviewRelay pull must land at `now`, entity by entity (`GET /_sim/truth`).

Each entity maps a record id to the content the API serves for it, so the pipeline's landed
data can be compared by content, not only by count.
"""

from __future__ import annotations

from typing import Any

from simulators.core.truth import fingerprint
from simulators.interviewrelay import files
from simulators.interviewrelay.content import AUDIO_TYPE
from simulators.interviewrelay.snapshot import Snapshot


def records(snap: Snapshot) -> dict[str, dict[str, Any]]:
    now, sessions = snap.now, snap.sessions
    transcripts = {}
    for session in sessions:
        transcript = session.transcript(now)
        if transcript is not None:
            transcripts[session.id] = transcript
    audio = {}
    for session in sessions:
        if "audio" in files.available(session, now):
            audio[session.id] = {"session_id": session.id, "campaign_id": session.campaign_id,
                                 "media_type": AUDIO_TYPE, **fingerprint(session.audio())}
    campaigns = snap.campaigns()
    return {
        "projects": {p.id: p.view() for p in snap.projects()},
        "campaigns": {c.id: snap.campaign_view(c) for c in campaigns},
        "campaign_stats": {c.id: snap.campaign_detail(c)["stats"] for c in campaigns},
        "sessions": {s.id: s.view(now) for s in sessions},
        "transcripts": transcripts,
        "transcript_turns": {f"{key}:{index}": turn for key, t in transcripts.items()
                             for index, turn in enumerate(t["turns"])},
        "billing_credits": {"credits": snap.credits()},
        "billing_usage": {row["date"]: row for row in snap.usage()},
        "session_audio": audio,
    }
