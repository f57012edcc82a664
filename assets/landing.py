"""One entity's share of a run (`EntityRun`): what to read, where it lands, what happened.

Every ingestion function receives one, so the preamble (window, repairs, lake, ledger, client)
is written once, here, and so is the step they all end with: fetch each item, record what is
gone, land each day as soon as its items are back (`fetch_and_land`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

import pyarrow as pa

from assets.partitions import day_of, iso
from resources.concurrency import fetch_each
from resources.config import SourceResource
from resources.counters import RunCounters
from resources.lake import Lake, WriteResult
from resources.ledger import Ledger
from resources.listing import Listing
from resources.records import REJECTION_SCHEMA, RunInfo, raw_json, rejection, to_table
from resources.rejections import Rejections
from resources.schemas import EntitySpec
from resources.sources import SOURCES


@dataclass(frozen=True)
class Item:
    """One record to fetch: its id, its partition, and what the fetch needs."""

    id: Any
    day: date
    version: str | None = None  # the parent's version (children)
    tenant: str | None = None
    payload: Any = None


@dataclass
class EntityRun:
    spec: EntitySpec
    resource: SourceResource
    client: Any
    lake: Lake
    ledger: Ledger
    run: RunInfo
    window: tuple[date, date] | None  # the run's partition range; None for snapshots
    log: logging.Logger
    counters: RunCounters  # the source client's: shared by its entities, which run in turn
    writes: list[WriteResult] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejected: int = 0
    unsettled: list[str] = field(default_factory=list)  # listings that did not converge
    expected: set[str] = field(default_factory=set)  # ids the lake must hold after the run
    _still_open: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def repairs(self) -> list[dict[str, Any]]:
        """Windows to read again. Read on first use, which comes after the run read the lake's
        state: a partition quarantined by that read is fetched again by this same run."""
        if self.spec.partitioned and not self.spec.child:
            return self.ledger.repairs(self.spec.name)
        return []

    @property
    def workers(self) -> int:
        return self.resource.max_concurrency

    def days(self) -> list[date]:
        if self.window is None:
            return []
        first, last = self.window
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def repair_windows(self) -> list[tuple[date, date]]:
        return [(date.fromisoformat(r["first"]), date.fromisoformat(r["last"]))
                for r in self.repairs if "first" in r]

    def in_scope(self, day: date) -> bool:
        """In the run's range, or in a window a repair asks to read again."""
        windows = [self.window] if self.window else []
        return any(first <= day <= last for first, last in [*windows, *self.repair_windows()])

    @cached_property
    def committed(self) -> set[date]:
        """Days this run family (a run and its re-executions) committed before this run began:
        a re-executed run skips them."""
        return self.lake.committed_by(self.spec, self.run.root_run_id)

    def sibling(self, entity: str) -> EntitySpec:
        return SOURCES[self.spec.source].entity(entity)

    def listed(self, listing: Listing, path: str, params: dict[str, Any],
               repair: dict[str, Any] | None = None) -> dict[Any, dict[str, Any]]:
        """A listing's items; one that did not settle is remembered to fail the run after
        landing what it saw, and to be read again by the next run (`repair`; snapshots need
        none: the next one is taken whole)."""
        if not listing.converged:
            self.unsettled.append(listing.describe(path, params))
            if repair is not None:
                self.ledger.add_repair(self.spec.name, repair, "the listing did not settle")
                self._still_open.append(repair)
        return listing.items

    def expect(self, record_id: Any) -> None:
        """A record the API listed in the run's scope: the run fails if it does not land."""
        self.expected.add(str(record_id))

    def gap(self) -> list[str]:
        """Listed records in scope that are not in the lake now, apart from known 404s."""
        if not self.expected:
            return []
        landed = {str(i) for i in self.lake.state(self.spec, []).column(self.spec.key).to_pylist()}
        gone = set(self.ledger.known(self.spec.name))
        return sorted(self.expected - landed - gone)

    def to_land(self, listed: Iterable[dict[str, Any]], day_field: str,
                landed: dict[Any, datetime], note: str) -> Iterator[tuple[date, dict[str, Any]]]:
        """The listed records to land: new ones of the run's scope (or of a window read again)
        and changed ones of any day, not in a day this run family already committed.
        `landed` maps ids to the `updated_at` in the lake. Every record listed in scope is
        expected in the lake after the run."""
        for record in listed:
            day = self.day_of(record, day_field)
            if day is not None and self.in_scope(day):
                self.expect(record[self.spec.key])
            if day is None or day in self.committed:
                continue
            version = landed.get(record[self.spec.key])
            if version is not None and iso(version) == record.get("updated_at"):
                continue
            if version is not None or self.in_scope(day):
                yield day, record
            else:
                self.notes[note] += 1

    def settle_repairs(self) -> None:
        """Everything the repairs asked for has been read and landed."""
        if "repairs" not in self.__dict__:
            return  # never consulted, so never applied
        done = [r for r in self.repairs if r not in self._still_open]
        if done:
            self.ledger.clear_repairs(self.spec.name, done)

    def land(self, day: date, records: list[dict[str, Any]],
             tenant_ids: list[str | None] | None = None,
             parent_versions: list[str | None] | None = None) -> WriteResult:
        typed = to_table(self.spec, records, self.run, tenant_ids, parent_versions)
        result = self.lake.merge(self.spec, day, typed.table, self.run)
        self._rejections(typed.rejection_table(), typed.table[self.spec.key])
        self.counters.add(records=len(records))
        self.writes.append(result)
        return result

    def snapshot(self, records: list[dict[str, Any]],
                 tenant_ids: list[str | None] | None = None) -> WriteResult:
        typed = to_table(self.spec, records, self.run, tenant_ids)
        result = self.lake.replace(self.spec, datetime.now(UTC).date(), typed.table, self.run)
        self._rejections(typed.rejection_table(), typed.table[self.spec.key])
        self.counters.add(records=len(records))
        self.writes.append(result)
        return result

    def reject(self, record: dict[str, Any], field_name: str, error: str) -> None:
        """A listed record that cannot even be placed (no id, no day): kept raw, reported."""
        row = rejection(self.spec, record, raw_json(record), field_name, record.get(field_name),
                        error, self.run, datetime.now(UTC))
        self._rejections(pa.Table.from_pylist([row], schema=REJECTION_SCHEMA),
                         pa.array([], pa.string()))

    def ensure_days(self) -> None:
        """An empty partition for in-range days that have none, so 'landed' is visible."""
        landed = set(self.lake.landed_dates(self.spec))
        for day in self.days():
            if day not in landed:
                self.land(day, [])

    def day_of(self, record: dict[str, Any], field_name: str) -> date | None:
        """The record's partition, or a rejection naming the field."""
        day = day_of(record.get(field_name))
        if day is None:
            self.reject(record, field_name, "no readable timestamp to place the record by")
        return day

    def _rejections(self, rows: pa.Table, landed_ids: pa.ChunkedArray | pa.Array) -> None:
        self.rejected += rows.num_rows
        Rejections(self.lake).update(self.spec, rows, landed_ids)


def fetch_and_land(run: EntityRun, items: Iterable[Item], fetch: Callable[[Item], Any]) -> None:
    """Fetch every item in parallel, oldest day first, and land each day as soon as all its
    items are back, so a run killed half-way keeps every day it committed. A fetch answers a
    record, a list of records, or None for a 404: 404s and empty answers are recorded in the
    ledger with the item's version, so they are not asked for again until it changes."""
    work: dict[date, list[Item]] = defaultdict(list)
    for item in items:
        work[item.day].append(item)
    ordered = [item for day in sorted(work) for item in work[day]]
    remaining = {day: len(found) for day, found in work.items()}
    results: dict[date, list[tuple[Item, Any]]] = defaultdict(list)
    for item, value in fetch_each(fetch, ordered, run.workers):
        results[item.day].append((item, value))
        remaining[item.day] -= 1
        if remaining[item.day] == 0:
            _land_day(run, item.day, results.pop(item.day))


def _land_day(run: EntityRun, day: date, results: list[tuple[Item, Any]]) -> None:
    records, tenants, versions, gone = [], [], [], []
    for item, value in results:
        found = value if isinstance(value, list) else [] if value is None else [value]
        if not found:
            gone.append((str(item.id), item.version, "not_found" if value is None else "empty"))
            continue
        records += found
        tenants += [item.tenant] * len(found)
        versions += [item.version] * len(found)
    if gone:
        run.counters.add(not_found=sum(1 for *_, outcome in gone if outcome == "not_found"))
        run.ledger.record(run.spec.name, gone, run.run.run_id)
    if records:
        run.land(day, records, tenants, versions)
