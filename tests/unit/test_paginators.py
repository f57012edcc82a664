"""One pagination loop, three strategies; listings that drift are read again until they settle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from resources.errors import SourceUnavailableError
from resources.listing import ListingSpec
from resources.paginators import Keyset, Offset, PageNumber, read_pages
from tests.unit.api_support import api

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def at(i: int) -> str:
    return (T0 + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Sessions:
    """An offset/`start_date` listing (InterviewRelay's shape) that can insert records behind
    the cursor whenever a request has an offset, as records arriving mid-read do."""

    def __init__(self, count: int, insert_on_offset: int = 0) -> None:
        self.rows = [{"id": f"s{i:03d}", "started_at": at(i)} for i in range(count)]
        self.insert_on_offset, self.requests, self.added = insert_on_offset, 0, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        q = request.url.params
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", 50))
        if offset and self.insert_on_offset:
            for _ in range(self.insert_on_offset):
                self.added += 1
                self.rows.insert(0, {"id": f"late{self.added:03d}", "started_at": at(-1)})
        rows = sorted(self.rows, key=lambda r: (r["started_at"], r["id"]))
        if "start_date" in q:
            rows = [r for r in rows if r["started_at"] >= q["start_date"]]
        return httpx.Response(200, json={"sessions": rows[offset:offset + limit],
                                         "total": len(rows)})


SESSIONS = ListingSpec("/api/sessions", "sessions", Offset(10),
                       Keyset(Offset(10), "start_date", "started_at"))


def test_offset_pages_read_everything_once(tmp_path: Path) -> None:
    server = Sessions(25)
    pages = read_pages(api(server, tmp_path), "/api/sessions", {}, "sessions", Offset(10))
    assert len(pages.items) == 25 and pages.pages == 3 and not pages.drifted


def test_page_numbers_stop_on_has_more(tmp_path: Path) -> None:
    rows = [{"id": i} for i in range(7)]

    def server(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        chunk = rows[(page - 1) * size: page * size]
        return httpx.Response(200, json={"jobs": chunk, "total": 7,
                                         "has_more": page * size < len(rows)})

    pages = read_pages(api(server, tmp_path), "/jobs", {}, "jobs", PageNumber(3))
    assert sorted(pages.items) == list(range(7)) and pages.pages == 3


def test_a_drifted_listing_is_read_again_by_keyset_until_two_reads_agree(tmp_path: Path
                                                                         ) -> None:
    server = Sessions(35, insert_on_offset=2)
    client = api(server, tmp_path)
    listing = SESSIONS.read(client)
    assert listing.drifted and listing.converged
    # Every record that existed at the end of the read: keyset reads never use an offset.
    assert set(listing.items) == {r["id"] for r in server.rows}
    assert listing.recovered > 0 and client.counters.records_recovered == listing.recovered
    assert client.counters.drift_warnings == 1


def test_a_listing_that_keeps_changing_is_reported_unsettled(tmp_path: Path) -> None:
    server = Sessions(35, insert_on_offset=2)
    listing = ListingSpec("/api/sessions", "sessions", Offset(10)).read(api(server, tmp_path))
    assert listing.drifted and not listing.converged and listing.reads == 4
    assert "kept changing while it was read" in listing.describe("/api/sessions", {})


def test_fewer_records_than_the_total_is_drift(tmp_path: Path) -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"sessions": [{"id": "a", "started_at": at(0)}],
                                         "total": 2})

    pages = read_pages(api(server, tmp_path), "/api/sessions", {}, "sessions", Offset(10))
    assert pages.drifted


def test_a_keyset_that_cannot_advance_gives_up_instead_of_looping(tmp_path: Path) -> None:
    same = [{"id": f"x{i}", "started_at": at(0)} for i in range(30)]

    def server(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        return httpx.Response(200, json={"sessions": same[offset:offset + 10], "total": 30})

    keyset = Keyset(Offset(10), "start_date", "started_at")
    with pytest.raises(SourceUnavailableError, match="cannot advance"):
        read_pages(api(server, tmp_path), "/api/sessions", {"start_date": at(0)}, "sessions",
                   keyset)
