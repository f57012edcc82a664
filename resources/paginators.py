"""Paginators for Gensail (page/page_size/has_more) and InterviewRelay (limit/offset/total).

Page-number and offset schemes drift when records are inserted or changed between two page
requests. Both paginators dedupe by id within one listing, stop on an empty page, never request
more than `max_pages`, and report a `total` that changes mid-listing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from resources.errors import SourceDataError, SourceUnavailableError
from resources.http import ApiClient


@dataclass
class ListingReport:
    pages: int = 0
    items: int = 0
    duplicates: int = 0
    totals: list[int] = field(default_factory=list)

    @property
    def total_changed(self) -> bool:
        return len(set(self.totals)) > 1


def _items(client: ApiClient, body: Any, key: str, path: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise SourceDataError(client.source, path, key, "the listing has no list under this key")
    return items


class _Listing:
    def __init__(self, client: ApiClient, path: str, key: str, id_field: str,
                 max_pages: int) -> None:
        self.client, self.path, self.key, self.id_field = client, path, key, id_field
        self.max_pages = max_pages
        self.report = ListingReport()
        self._seen: set[Any] = set()

    def _accept(self, body: Any) -> list[dict[str, Any]]:
        items = _items(self.client, body, self.key, self.path)
        self.report.pages += 1
        self.client.counters.add(pages=1)
        if isinstance(body.get("total"), int):
            self.report.totals.append(body["total"])
        fresh = []
        for item in items:
            if item.get(self.id_field) in self._seen:
                self.report.duplicates += 1
                continue
            self._seen.add(item.get(self.id_field))
            fresh.append(item)
        self.report.items += len(fresh)
        return fresh

    def _guard(self) -> None:
        if self.report.pages >= self.max_pages:
            raise SourceUnavailableError(
                self.client.source, f"{self.path}: more than {self.max_pages} pages; giving up "
                "rather than looping (is the listing growing faster than it is read?)")

    def finish(self) -> None:
        if self.report.total_changed or self.report.duplicates:
            self.client.counters.add(drift_warnings=1)
            self.client.log.warning(
                "%s %s: the listing drifted while it was read (totals %s, %d duplicate(s) "
                "dropped); records inserted ahead of the cursor are read by the next run's overlap",
                self.client.source, self.path, sorted(set(self.report.totals)),
                self.report.duplicates)


def page_number_pages(client: ApiClient, path: str, params: dict[str, Any], key: str,
                      page_size: int = 200, id_field: str = "id", max_pages: int = 10_000,
                      on_report: Callable[[ListingReport], None] | None = None,
                      ) -> Iterator[list[dict[str, Any]]]:
    listing = _Listing(client, path, key, id_field, max_pages)
    page = 1
    while True:
        listing._guard()
        body = client.get_json(path, {**params, "page": page, "page_size": page_size})
        fresh = listing._accept(body)
        if fresh:
            yield fresh
        if not body.get(key) or not body.get("has_more"):
            break
        page += 1
    listing.finish()
    if on_report:
        on_report(listing.report)


def offset_pages(client: ApiClient, path: str, params: dict[str, Any], key: str,
                 limit: int = 100, id_field: str = "id", max_pages: int = 10_000,
                 on_report: Callable[[ListingReport], None] | None = None,
                 ) -> Iterator[list[dict[str, Any]]]:
    listing = _Listing(client, path, key, id_field, max_pages)
    offset = 0
    while True:
        listing._guard()
        body = client.get_json(path, {**params, "limit": limit, "offset": offset})
        fresh = listing._accept(body)
        if fresh:
            yield fresh
        served = len(body.get(key) or [])
        offset += served
        total = body.get("total")
        if served == 0 or (isinstance(total, int) and offset >= total):
            break
    listing.finish()
    if on_report:
        on_report(listing.report)
