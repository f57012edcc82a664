"""What a complete Genway pull must land at `now`, entity by entity (`GET /_sim/truth`).

Each entity maps a record id to the content the API serves for it, so the pipeline's landed
data can be compared by content, not only by count.
"""

from __future__ import annotations

from typing import Any

from simulators.core.truth import fingerprint
from simulators.genway.content import MEDIA_TYPES
from simulators.genway.snapshot import Snapshot


def records(snap: Snapshot) -> dict[str, dict[str, Any]]:
    now, listed = snap.now, snap.listed()
    live = [i for i in listed if not i.deleted]
    interviews = {i.interview_id: i.view(now) for i in live}
    completed = [i for i in live if interviews[i.interview_id]["status"] == "completed"]
    transcripts = {i.interview_id: i.transcript() for i in completed}
    media = {}
    for interview in live:
        for kind, media_type in MEDIA_TYPES.items():
            if interviews[interview.interview_id][f"has_{kind}"]:
                media[f"{interview.interview_id}:{kind}"] = {
                    "interview_id": interview.interview_id, "kind": kind,
                    "media_type": media_type, **fingerprint(interview.media(kind))}
    return {
        "projects": {p.project_id: p.view(now) for p in snap.projects()},
        "interviews": interviews,
        "deleted_interviews": {i.interview_id: {"interview_id": i.interview_id}
                               for i in listed if i.deleted},
        "transcripts": transcripts,
        "transcript_turns": {f"{key}:{turn['index']}": turn
                             for key, transcript in transcripts.items()
                             for turn in transcript["turns"]},
        "summaries": {i.interview_id: i.summary() for i in completed},
        "interview_media": media,
    }
