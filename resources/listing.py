"""Listings that converge: a listing that drifted while it was read is read again until two
reads agree, so a run lands every record that existed when it began, or knows it did not.

Page numbers and offsets drift when records are inserted or change position between two page
requests: a record can slide from the next page onto one already read and be skipped. A read
shows it (a `total` that changed, an id seen twice), but not which record it skipped. So a
drifted listing is read again, by keyset where the API has a filter to use as a cursor (a keyset
read cannot skip: nothing moves under a cursor that only asks for "after the last item"), else
with the same pages, until two consecutive reads list the same ids without drifting. Every id
any read saw is kept (a record that vanished between reads did exist). A listing that does not
settle within `max_reads` is returned as `converged=False`: the caller lands what was seen, then
fails, naming the window, and records it for the next run to read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resources.http import ApiClient
from resources.paginators import Keyset, Pages, Paginator, Params, read_pages


@dataclass
class Listing:
    items: dict[Any, dict[str, Any]]  # every id any read saw, with its latest item
    reads: int
    drifted: bool  # the first read drifted
    recovered: int  # ids that the first read did not have
    converged: bool

    def describe(self, path: str, params: Params) -> str:
        window = ", ".join(f"{k}={v}" for k, v in params.items()) or "everything"
        return (f"{path} ({window}) kept changing while it was read: {self.reads} reads did not "
                f"agree on its ids ({len(self.items)} seen in all)")


@dataclass(frozen=True)
class ListingSpec:
    """How to read one listing endpoint."""

    path: str
    key: str  # the list's key in the body
    pages: Paginator
    keyset: Keyset | None = None  # the drift-proof way to read it again, where the API has one
    id_field: str = "id"

    def read(self, client: ApiClient, params: Params | None = None, max_reads: int = 4
             ) -> Listing:
        params = params or {}
        first = self._read(client, params, self.pages)
        if not first.drifted:
            return Listing(first.items, 1, False, 0, True)
        client.counters.add(drift_warnings=1)
        again = self.keyset or self.pages
        seen, previous, reads = dict(first.items), set(first.items), 1
        while reads < max_reads:
            current = self._read(client, params, again)
            reads += 1
            seen.update(current.items)
            if not current.drifted and set(current.items) == previous:
                recovered = len(seen.keys() - first.items.keys())
                client.counters.add(listing_rereads=reads - 1, records_recovered=recovered)
                client.log.warning(
                    "%s %s: the listing drifted while it was read; read again %d time(s) until "
                    "two reads agreed, recovering %d record(s) the first read missed",
                    client.source, self.path, reads - 1, recovered)
                return Listing(seen, reads, True, recovered, True)
            previous = set(current.items)
        client.counters.add(listing_rereads=reads - 1,
                            records_recovered=len(seen.keys() - first.items.keys()))
        return Listing(seen, reads, True, len(seen.keys() - first.items.keys()), False)

    def _read(self, client: ApiClient, params: Params, paginator: Paginator) -> Pages:
        return read_pages(client, self.path, params, self.key, paginator, self.id_field)
