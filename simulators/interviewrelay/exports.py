"""InterviewRelay bulk transcript export (doc, 003): JSON, CSV, or a ZIP with the audio.

Only sessions that have said something appear. A ZIP holds at most 500 sessions (413 beyond,
across the whole project for the project export); the text formats have no cap. A campaign
export and a project export differ only in scope: the project's has one group per campaign,
and its CSV and ZIP say which campaign each row or folder belongs to.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from simulators.core.clock import fmt_ts
from simulators.core.http import ApiError, BadRequest, json_bytes
from simulators.interviewrelay.archive import Entry, audio_entries, manifest, slugify, zip_stream
from simulators.interviewrelay.models import Campaign, Project, Session
from simulators.interviewrelay.snapshot import Snapshot

ZIP_CAP = 500  # sessions per ZIP request (doc, 003)
COLUMNS = ["session_id", "participant_email", "session_status", "started_at", "completed_at",
           "turn_index", "timestamp", "speaker", "text", "sentiment"]
PROJECT_COLUMNS = ["campaign_id", "campaign_name", *COLUMNS]


def options(request: Request) -> tuple[str, bool]:
    """(format, include_audio) from the query."""
    fmt = request.query_params.get("format", "json")
    audio = request.query_params.get("include_audio", "false").lower()
    if fmt not in {"json", "csv"}:
        raise BadRequest("format must be json or csv")
    if audio not in {"true", "false"}:
        raise BadRequest("include_audio must be true or false")
    return fmt, audio == "true"


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


@dataclass
class Group:
    """One campaign's part of an export."""

    campaign: Campaign
    view: dict[str, Any]  # the campaign as listed
    sessions: list[Session]
    transcripts: list[dict[str, Any]]
    generated_at: str

    @classmethod
    def of(cls, snap: Snapshot, campaign: Campaign) -> Group:
        sessions = snap.session_list(campaign.id, None, None, None)
        return cls(campaign, snap.campaign_view(campaign), sessions,
                   session_transcripts(sessions, snap.now), fmt_ts(snap.now))

    def payload(self) -> dict[str, Any]:
        """The campaign export's JSON body, and each folder's `transcripts.json`."""
        return {"campaign": self.view, "generated_at": self.generated_at,
                "transcripts": self.transcripts}

    def folder(self, prefix: str, fmt: str,
               now: datetime) -> tuple[list[Entry], list[dict[str, str]]]:
        """The group's ZIP entries under `prefix`, and its sessions whose audio is missing."""
        text = csv_text(self.transcripts).encode() if fmt == "csv" else json_bytes(self.payload())
        audio, missing = audio_entries(prefix, self.sessions, self.transcripts, now)
        return [Entry(f"{prefix}transcripts.{fmt}", text), *audio], missing


@dataclass
class Export:
    """The sessions of one campaign, or of one project grouped by campaign."""

    scope: dict[str, str]  # {"campaign_id": ...} or {"project_id": ...}
    groups: list[Group]
    project: Project | None = None  # set for a project export

    @classmethod
    def of_campaign(cls, snap: Snapshot, campaign: Campaign) -> Export:
        return cls({"campaign_id": campaign.id}, [Group.of(snap, campaign)])

    @classmethod
    def of_project(cls, snap: Snapshot, project: Project) -> Export:
        return cls({"project_id": project.id},
                   [Group.of(snap, c) for c in snap.campaigns(project.id)], project)

    @property
    def per_campaign(self) -> bool:
        return self.project is not None

    @property
    def transcripts(self) -> list[dict[str, Any]]:
        return [t for group in self.groups for t in group.transcripts]

    def body(self, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The JSON body, and the records inside it that schema drift may alter."""
        if self.project is None:
            payload = self.groups[0].payload()
            return payload, [payload["campaign"], *self.transcripts]
        body: dict[str, Any] = {"project": self.project.view(), "generated_at": fmt_ts(now),
                "campaigns": [{"campaign": g.view, "transcripts": g.transcripts}
                              for g in self.groups]}
        return body, [body["project"], *(g.view for g in self.groups), *self.transcripts]

    def file(self, fmt: str, with_audio: bool, now: datetime) -> Response:
        """The export as CSV or as a ZIP (the JSON body goes through the app: schema drift)."""
        if with_audio:
            return self.archive(fmt, now)
        names = {g.campaign.id: g.campaign.name for g in self.groups}
        return Response(csv_text(self.transcripts, names if self.per_campaign else None),
                        media_type="text/csv")

    def archive(self, fmt: str, now: datetime) -> Response:
        count = len(self.transcripts)
        if count > ZIP_CAP:
            raise ApiError(413, "Payload Too Large", f"A ZIP export is limited to {ZIP_CAP} "
                           f"sessions; this one has {count}. Export per campaign instead.")
        entries: list[Entry] = []
        missing: list[dict[str, str]] = []
        folders = []
        for group in self.groups:
            slug = slugify(group.campaign.name, group.campaign.id)
            files, absent = group.folder(f"{slug}/" if self.per_campaign else "", fmt, now)
            entries += files
            missing += absent
            folders.append({"campaign_id": group.campaign.id, "slug": slug,
                            "session_count": len(group.transcripts)})
        extra = {"campaigns": folders} if self.per_campaign else {}
        entries.append(manifest(self.scope, fmt, now, count, len(entries) - len(self.groups),
                                missing, **extra))
        kind, record_id = next(iter(self.scope.items()))
        filename = f"{kind.removesuffix('_id')}-{record_id}.zip"
        return StreamingResponse(zip_stream(entries, now), media_type="application/zip",
                                 headers={"Content-Disposition":
                                          f'attachment; filename="{filename}"'})
