"""Pagination: one loop (`read_pages`), one strategy per scheme, as dlt's `rest_client` has.

- `PageNumber`: Gensail's `page`/`page_size`/`has_more`.
- `Offset`: InterviewRelay's `limit`/`offset`/`total`.
- `Keyset`: a filter of the API used as a cursor (`updated_after`, `start_date`, …). It only
  ever asks for the first page of "everything after the last item read", so records inserted or
  changed between two requests cannot shift the items still to come under the reader, which is
  what makes page numbers and offsets drift.

Every read dedupes by id, stops on an empty page, never requests more than `max_pages`, and
records what betrays drift: a `total` that changes between pages, or an id seen twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from resources.errors import SourceDataError, SourceUnavailableError
from resources.http import ApiClient

Params = dict[str, Any]


class Stalled(Exception):
    """A keyset cursor that cannot move past a page."""


@dataclass
class Pages:
    """What one read of a listing saw."""

    items: dict[Any, dict[str, Any]] = field(default_factory=dict)  # by id, in listing order
    pages: int = 0
    duplicates: int = 0
    totals: list[int] = field(default_factory=list)
    stable: bool = False  # read by keyset: overlaps and changing totals are by design

    @property
    def drifted(self) -> bool:
        """A page-number or offset read that saw an id twice, a `total` that changed, or fewer
        records than the `total` it ended with (one slid past the reader, or was left out)."""
        if self.stable:
            return False
        short = bool(self.totals) and len(self.items) != self.totals[-1]
        return self.duplicates > 0 or len(set(self.totals)) > 1 or short


class Paginator(Protocol):
    def start(self, params: Params) -> Params: ...

    def advance(self, request: Params, body: dict[str, Any], items: list[dict[str, Any]]
                ) -> Params | None:
        """The next request, or None when the listing is exhausted."""
        ...


@dataclass(frozen=True)
class PageNumber:
    size: int

    def start(self, params: Params) -> Params:
        return {**params, "page": 1, "page_size": self.size}

    def advance(self, request: Params, body: dict[str, Any], items: list[dict[str, Any]]
                ) -> Params | None:
        if not items or not body.get("has_more"):
            return None
        return {**request, "page": request["page"] + 1}


@dataclass(frozen=True)
class Offset:
    limit: int

    def start(self, params: Params) -> Params:
        return {**params, "limit": self.limit, "offset": 0}

    def advance(self, request: Params, body: dict[str, Any], items: list[dict[str, Any]]
                ) -> Params | None:
        offset = request["offset"] + len(items)
        total = body.get("total")
        if not items or (isinstance(total, int) and offset >= total):
            return None
        return {**request, "offset": offset}


@dataclass(frozen=True)
class Keyset:
    """First pages of `pages`, each starting at the last item's `field` (minus `step_back`).

    The APIs send whole seconds, so an exclusive cursor steps back one second and an inclusive
    one starts at the last instant itself: items sharing that instant are read again and
    deduped, never skipped."""

    pages: PageNumber | Offset
    param: str  # the filter, e.g. `updated_after`
    field: str  # the item's field that the listing is ordered by, e.g. `updated_at`
    step_back: timedelta = timedelta(0)

    def start(self, params: Params) -> Params:
        return self.pages.start(params)

    def advance(self, request: Params, body: dict[str, Any], items: list[dict[str, Any]]
                ) -> Params | None:
        if self.pages.advance(request, body, items) is None:
            return None
        cursor = _instant(items[-1].get(self.field)) - self.step_back
        floor = request.get(self.param)
        if floor is not None and cursor <= _instant(floor):
            raise Stalled(f"a whole page shares {self.field} {floor}")
        base = {k: v for k, v in request.items() if k not in ("page", "offset")}
        return self.pages.start({**base, self.param: _iso(cursor)})


def read_pages(client: ApiClient, path: str, params: Params, key: str, paginator: Paginator,
               id_field: str = "id", max_pages: int = 10_000) -> Pages:
    """Every item of one listing, deduped by id."""
    seen = Pages(stable=isinstance(paginator, Keyset))
    request: Params | None = paginator.start(params)
    while request is not None:
        if seen.pages >= max_pages:
            raise SourceUnavailableError(
                client.source, f"{path}: more than {max_pages} pages ({params}); giving up "
                "rather than looping")
        body = client.get_json(path, request)
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise SourceDataError(client.source, path, key, "the listing has no list here")
        seen.pages += 1
        client.counters.add(pages=1)
        if isinstance(body.get("total"), int):
            seen.totals.append(body["total"])
        for item in items:
            item_id = item.get(id_field)
            if item_id in seen.items:
                seen.duplicates += 1
            else:
                seen.items[item_id] = item
        try:
            request = paginator.advance(request, body, items)
        except Stalled as exc:
            raise SourceUnavailableError(
                client.source, f"{path}: the listing cannot advance ({exc}; {params})") from None
    return seen


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
