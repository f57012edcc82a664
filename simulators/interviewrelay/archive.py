"""The InterviewRelay export ZIP, streamed as it is written.

The archive goes out entry by entry (zipfile writes data descriptors when it cannot seek), so a
big archive never sits whole in memory; audio bytes are only produced when their entry is written.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulators.core.clock import fmt_ts
from simulators.core.http import json_bytes
from simulators.interviewrelay.models import Session


def slugify(name: str, record_id: str) -> str:
    """A folder name for the export ZIP; the id prefix keeps two equal names apart."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{words}-{record_id[:8]}" if words else record_id[:8]


@dataclass
class Entry:
    name: str
    content: bytes | Callable[[], bytes]  # a callable is only run when the entry is written
    compress: bool = True


def audio_entries(folder: str, sessions: list[Session], transcripts: list[dict[str, Any]],
                  now: datetime) -> tuple[list[Entry], list[dict[str, str]]]:
    """The audio files of the exported sessions, and the manifest's list of missing ones."""
    by_id = {s.id: s for s in sessions}
    entries, missing = [], []
    for item in transcripts:
        session = by_id[item["session_id"]]
        if session.has_audio_at(now):
            entries.append(Entry(f"{folder}audio/{session.id}.mp3", session.audio, False))
        else:
            reason = "in_progress" if session.status(now) == "in_progress" else "not_recorded"
            missing.append({"session_id": session.id, "campaign_id": session.campaign_id,
                            "reason": reason})
    return entries, missing


def manifest(scope: dict[str, str], fmt: str, now: datetime, sessions: int, audio: int,
             missing: list[dict[str, str]], **extra: Any) -> Entry:
    return Entry("manifest.json", json_bytes({
        **scope, "generated_at": fmt_ts(now), "format": fmt, "session_count": sessions,
        "audio_count": audio, "missing_audio": missing, **extra}))


class _Sink(io.RawIOBase):
    """A write-only, unseekable file whose bytes are handed on as they come."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(entries: list[Entry], now: datetime) -> Iterator[bytes]:
    sink = _Sink()
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    with zipfile.ZipFile(sink, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            content = entry.content if isinstance(entry.content, bytes) else entry.content()
            archive.writestr(info, content)
            yield sink.drain()
    yield sink.drain()
