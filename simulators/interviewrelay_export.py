"""InterviewRelay bulk transcript export (doc, 003): JSON, CSV, or a ZIP with the audio.

Only sessions that have said something appear. A ZIP holds at most 500 sessions (413 beyond,
across the whole project for the project export); the text formats have no cap.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from simulators.core.clock import fmt_ts
from simulators.interviewrelay_model import Campaign, Session
from simulators.interviewrelay_zip import Entry, audio_entries, dumps, manifest, zip_stream

if TYPE_CHECKING:
    from simulators.interviewrelay import InterviewRelaySimulator

ZIP_CAP = 500  # sessions per ZIP request (doc, 003)
COLUMNS = ["session_id", "participant_email", "session_status", "started_at", "completed_at",
           "turn_index", "timestamp", "speaker", "text", "sentiment"]
PROJECT_COLUMNS = ["campaign_id", "campaign_name", *COLUMNS]


def session_transcripts(sessions: list[Session], now: datetime) -> list[dict[str, Any]]:
    """`SessionTranscript`s of the sessions that have said something by `now`."""
    found = []
    for session in sessions:
        transcript = session.transcript(now)
        if transcript is not None:
            found.append({"session_id": session.id, "campaign_id": session.campaign_id,
                          "participant_email": session.participant_email,
                          "status": session.status(now), **transcript})
    return found


def csv_text(transcripts: list[dict[str, Any]], campaigns: dict[str, str] | None = None) -> str:
    """One row per turn; `campaigns` (id -> name) adds the project export's leading columns."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROJECT_COLUMNS if campaigns is not None else COLUMNS)
    for item in transcripts:
        prefix = [item["campaign_id"], campaigns[item["campaign_id"]]] if campaigns else []
        for index, turn in enumerate(item["turns"]):
            writer.writerow([*prefix, item["session_id"], item["participant_email"],
                             item["status"], item["started_at"], item["completed_at"] or "",
                             index, turn["timestamp"], turn["speaker"], turn["text"],
                             turn["sentiment"]])
    return out.getvalue()


def export_routes(sim: InterviewRelaySimulator) -> list[Route]:
    def options(request: Request) -> tuple[str, bool] | Response:
        fmt = request.query_params.get("format", "json")
        audio = request.query_params.get("include_audio", "false").lower()
        if fmt not in {"json", "csv"}:
            return sim.error(400, "Bad Request", "format must be json or csv")
        if audio not in {"true", "false"}:
            return sim.error(400, "Bad Request", "include_audio must be true or false")
        return fmt, audio == "true"

    def too_large(count: int) -> Response:
        return sim.error(413, "Payload Too Large", f"A ZIP export is limited to {ZIP_CAP} "
                         f"sessions; this one has {count}. Export per campaign instead.")

    def archive(entries: list[Entry], filename: str) -> Response:
        return StreamingResponse(zip_stream(entries, sim.now), media_type="application/zip",
                                 headers={"Content-Disposition":
                                          f'attachment; filename="{filename}"'})

    def campaign_export(campaign: Campaign) -> tuple[dict[str, Any], list[Session]]:
        sessions = sim.snap().session_list(campaign.id, None, None, None)
        return {"campaign": sim.campaign_view(campaign), "generated_at": fmt_ts(sim.now),
                "transcripts": session_transcripts(sessions, sim.now)}, sessions

    def folder(prefix: str, fmt: str, payload: dict[str, Any],
               sessions: list[Session]) -> tuple[list[Entry], list[dict[str, str]]]:
        text = csv_text(payload["transcripts"]).encode() if fmt == "csv" else dumps(payload)
        audio, missing = audio_entries(prefix, sessions, payload["transcripts"], sim.now)
        return [Entry(f"{prefix}transcripts.{fmt}", text), *audio], missing

    async def export_campaign(request: Request) -> Response:
        campaign = sim.campaign_of(request)
        if campaign is None:
            return sim.error(404, "Not Found", "Campaign not found")
        chosen = options(request)
        if isinstance(chosen, Response):
            return chosen
        fmt, with_audio = chosen
        payload, sessions = campaign_export(campaign)
        transcripts = payload["transcripts"]
        if with_audio:
            if len(transcripts) > ZIP_CAP:
                return too_large(len(transcripts))
            entries, missing = folder("", fmt, payload, sessions)
            entries.append(manifest({"campaign_id": campaign.id}, fmt, sim.now,
                                    len(transcripts), len(entries) - 1, missing))
            return archive(entries, f"campaign-{campaign.id}.zip")
        if fmt == "csv":
            return Response(csv_text(transcripts), media_type="text/csv")
        return sim.json(payload, records=[payload["campaign"], *transcripts])

    async def export_project(request: Request) -> Response:
        project = sim.project_of(request)
        if project is None:
            return sim.error(404, "Not Found", "Project not found")
        chosen = options(request)
        if isinstance(chosen, Response):
            return chosen
        fmt, with_audio = chosen
        groups = [(c, *campaign_export(c)) for c in sim.campaigns(project.id)]
        transcripts = [t for _, payload, _ in groups for t in payload["transcripts"]]
        if with_audio:
            if len(transcripts) > ZIP_CAP:
                return too_large(len(transcripts))
            entries: list[Entry] = []
            missing: list[dict[str, str]] = []
            folders = []
            for campaign, payload, sessions in groups:
                files, absent = folder(f"{campaign.slug}/", fmt, payload, sessions)
                entries += files
                missing += absent
                folders.append({"campaign_id": campaign.id, "slug": campaign.slug,
                                "session_count": len(payload["transcripts"])})
            entries.append(manifest({"project_id": project.id}, fmt, sim.now, len(transcripts),
                                    len(entries) - len(groups), missing, campaigns=folders))
            return archive(entries, f"project-{project.id}.zip")
        if fmt == "csv":
            names = {c.id: c.name for c, _, _ in groups}
            return Response(csv_text(transcripts, names), media_type="text/csv")
        body = {"project": project.view(), "generated_at": fmt_ts(sim.now),
                "campaigns": [{"campaign": p["campaign"], "transcripts": p["transcripts"]}
                              for _, p, _ in groups]}
        campaigns = [p["campaign"] for _, p, _ in groups]
        return sim.json(body, records=[body["project"], *campaigns, *transcripts])

    return [
        Route("/api/campaigns/{record_id}/transcripts", export_campaign),
        Route("/api/projects/{record_id}/transcripts", export_project),
    ]
