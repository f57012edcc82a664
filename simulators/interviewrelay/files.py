"""InterviewRelay per-session downloads: transcript, PDF, and the signed file links (doc, 003).

`/api/session/{id}/files` hands out links signed for one hour of simulated time. They are served
under `/api/files/...` and need no bearer token, only a valid, unexpired signature, as storage
links do. The signing secret is the API key, passed in, so this module needs no simulator.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from simulators.core.clock import fmt_ts
from simulators.interviewrelay.models import Session

FILE_KINDS = ("transcript", "audio", "pdf")
SIGNED_PREFIX = "/api/files/"
LINK_LIFETIME = timedelta(hours=1)


def root_of(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _signature(secret: str, session_id: str, kind: str, expires: int) -> str:
    text = f"{secret}:{session_id}:{kind}:{expires}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def signed_url(secret: str, root: str, session: Session, kind: str, now: datetime) -> str:
    expires = int((now + LINK_LIFETIME).timestamp())
    signature = _signature(secret, session.id, kind, expires)
    return f"{root}{SIGNED_PREFIX}{session.id}/{kind}?expires={expires}&signature={signature}"


def signature_ok(secret: str, request: Request, now: datetime) -> bool:
    parts = request.url.path[len(SIGNED_PREFIX):].split("/")
    try:
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        return False
    if len(parts) != 2 or expires < now.timestamp():
        return False
    return request.query_params.get("signature") == _signature(secret, parts[0], parts[1], expires)


def links(secret: str, root: str, session: Session, now: datetime) -> dict[str, str | None]:
    """The detail's `transcript_url` (bearer-authenticated) and `audio_url` (signed)."""
    has_transcript = session.visible_count(now) > 0
    return {"transcript_url": (f"{root}/api/session/{session.id}/transcript"
                               if has_transcript else None),
            "audio_url": (signed_url(secret, root, session, "audio", now)
                          if session.has_audio_at(now) else None)}


def available(session: Session, now: datetime) -> list[str]:
    """The kinds `/api/session/{id}/files` lists for `session` at `now`, in the listed order."""
    has_text = session.visible_count(now) > 0
    found = {"transcript": has_text, "audio": session.has_audio_at(now), "pdf": has_text}
    return [kind for kind in FILE_KINDS if found[kind]]


def listing(secret: str, root: str, session: Session, now: datetime) -> list[dict[str, Any]]:
    expires_at = fmt_ts(now + LINK_LIFETIME)
    return [{"kind": kind, "url": signed_url(secret, root, session, kind, now),
             "expires_at": expires_at} for kind in available(session, now)]


def pdf(session: Session, now: datetime) -> Response:
    """A stand-in PDF of the transcript so far: the right magic bytes, one line per turn."""
    transcript = session.transcript(now) or {"turns": []}
    lines = "\n".join(f"% {t['speaker']}: {t['text'][:80]}" for t in transcript["turns"])
    body = f"%PDF-1.4\n% InterviewRelay transcript {session.id}\n{lines}\n%%EOF\n"
    return Response(body.encode(), media_type="application/pdf")
