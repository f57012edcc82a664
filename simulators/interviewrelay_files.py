"""InterviewRelay per-session downloads: transcript, PDF, and the signed file links (doc, 003).

`/api/session/{id}/files` hands out links signed for one hour of simulated time. They are served
under `/api/files/...` and need no bearer token, only a valid, unexpired signature, as storage
links do.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.clock import fmt_ts
from simulators.interviewrelay_model import Session

if TYPE_CHECKING:
    from simulators.interviewrelay import InterviewRelaySimulator

FILE_KINDS = ("transcript", "audio", "pdf")
SIGNED_PREFIX = "/api/files/"


def _signature(sim: InterviewRelaySimulator, session_id: str, kind: str, expires: int) -> str:
    text = f"{sim.api_key}:{session_id}:{kind}:{expires}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def signed_url(sim: InterviewRelaySimulator, root: str, session: Session, kind: str) -> str:
    expires = int((sim.now + timedelta(hours=1)).timestamp())
    signature = _signature(sim, session.id, kind, expires)
    return f"{root}{SIGNED_PREFIX}{session.id}/{kind}?expires={expires}&signature={signature}"


def signature_ok(sim: InterviewRelaySimulator, request: Request) -> bool:
    parts = request.url.path[len(SIGNED_PREFIX):].split("/")
    try:
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        return False
    if len(parts) != 2 or expires < sim.now.timestamp():
        return False
    return request.query_params.get("signature") == _signature(sim, parts[0], parts[1], expires)


def root_of(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def file_routes(sim: InterviewRelaySimulator) -> list[Route]:
    def no_transcript() -> Response:
        return sim.error(404, "Not Found", "No transcript for this session")

    def pdf(session: Session) -> Response:
        transcript = session.transcript(sim.now) or {"turns": []}
        lines = "\n".join(f"% {t['speaker']}: {t['text'][:80]}" for t in transcript["turns"])
        body = f"%PDF-1.4\n% InterviewRelay transcript {session.id}\n{lines}\n%%EOF\n"
        return Response(body.encode(), media_type="application/pdf")

    async def transcript(request: Request) -> Response:
        session = sim.session_of(request)
        found = session.transcript(sim.now) if session else None
        return no_transcript() if found is None else sim.json(found, records=[found])

    async def transcript_pdf(request: Request) -> Response:
        session = sim.session_of(request)
        if session is None or session.visible_count(sim.now) == 0:
            return no_transcript()
        return pdf(session)

    async def files(request: Request) -> Response:
        session = sim.session_of(request)
        if session is None:
            return sim.error(404, "Not Found", "Session not found")
        has_text = session.visible_count(sim.now) > 0
        available = {"transcript": has_text, "audio": session.has_audio_at(sim.now),
                     "pdf": has_text}
        expires_at = fmt_ts(sim.now + timedelta(hours=1))
        found = [{"kind": kind, "url": signed_url(sim, root_of(request), session, kind),
                  "expires_at": expires_at} for kind in FILE_KINDS if available[kind]]
        return sim.json({"files": found})

    async def download(request: Request) -> Response:
        session, kind = sim.session_of(request), request.path_params["kind"]
        if session is None or kind not in FILE_KINDS:
            return sim.error(404, "Not Found", "File not found")
        if kind == "audio":
            if not session.has_audio_at(sim.now):
                return sim.error(404, "Not Found", "No audio for this session")
            return Response(session.audio(), media_type="audio/mpeg")
        found = session.transcript(sim.now)
        if found is None:
            return no_transcript()
        return pdf(session) if kind == "pdf" else sim.json(found)

    return [
        Route("/api/session/{record_id}/transcript", transcript),
        Route("/api/session/{record_id}/pdf", transcript_pdf),
        Route("/api/session/{record_id}/files", files),
        Route(SIGNED_PREFIX + "{record_id}/{kind}", download),
    ]
