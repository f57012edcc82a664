"""What a complete Gensail pull must land at `now`, entity by entity (`GET /_sim/truth`).

Each entity maps a record id to the content the API serves for it, so the pipeline's landed
data can be compared by content, not only by count.
"""

from __future__ import annotations

from typing import Any

from simulators.gensail.snapshot import Snapshot


def records(snap: Snapshot) -> dict[str, dict[str, Any]]:
    now, jobs = snap.now, [row[3] for row in snap.jobs]
    transcripts = {str(j.id): j.transcript() for j in jobs if j.has_transcript(now)}
    return {
        "jobs": {str(j.id): j.view(now) for j in jobs},
        "job_transcripts": transcripts,
        "transcript_utterances": {f"{key}:{index}": utterance
                                  for key, transcript in transcripts.items()
                                  for index, utterance in enumerate(transcript["utterances"])},
        "algorithm_runs": {str(r.id): r.view(now) for j in jobs for r in j.runs
                           if r.created_at <= now},
        "algorithms": {a["id"]: a for a in snap.algorithms()},
        "feedback": {str(f.id): f.view() for f in snap.feedback},
        "algorithm_stats": dict(snap.algorithm_stats()),
        # The API serves a recording's URL and length, never its bytes.
        "job_recordings": {str(j.id): {"job_id": j.id, "recording_url": j.recording_url,
                                       "recording_duration": j.recording_duration}
                           for j in jobs if j.recording_url is not None},
    }
