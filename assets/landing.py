"""What every ingestion asset does after fetching: land per day, report per run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import dagster as dg

from resources.concurrency import fetch_each
from resources.counters import RunCounters
from resources.lake import Lake, WriteResult
from resources.records import RunInfo, to_table
from resources.schemas import EntitySpec

T = TypeVar("T")


@dataclass
class Landing:
    """Lands one entity for one run and collects what it did."""

    lake: Lake
    spec: EntitySpec
    run: RunInfo
    first: date | None = None  # the run's partition range; None for snapshots
    last: date | None = None
    writes: list[WriteResult] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def in_range(self, day: date) -> bool:
        return self.first is not None and self.last is not None and self.first <= day <= self.last

    def land(self, day: date, records: list[dict[str, Any]],
             tenant_ids: list[str | None] | None = None,
             parent_versions: list[str | None] | None = None) -> WriteResult:
        table = to_table(self.spec, records, self.run, tenant_ids, parent_versions)
        result = self.lake.merge(self.spec, day, table, self.run)
        self.writes.append(result)
        return result

    def snapshot(self, day: date, records: list[dict[str, Any]],
                 tenant_ids: list[str | None] | None = None) -> WriteResult:
        table = to_table(self.spec, records, self.run, tenant_ids)
        result = self.lake.replace(self.spec, day, table, self.run)
        self.writes.append(result)
        return result

    def ensure_days(self, all_days: Iterable[date]) -> None:
        """Land an empty partition for in-range days that have none, so 'landed' is visible."""
        landed = set(self.lake.landed_dates(self.spec))
        for day in all_days:
            if day not in landed:
                self.land(day, [])

    def result(self, context: dg.AssetExecutionContext, counters: RunCounters
               ) -> dg.MaterializeResult:
        """Materialization metadata; partitions written outside the run's range are reported
        as their own materializations, so the UI shows them as updated too."""
        outside = sorted({w.day for w in self.writes if w.written and self.first is not None
                          and not self.in_range(w.day)})
        for day in outside:
            context.log_event(dg.AssetMaterialization(
                asset_key=context.asset_key, partition=day.isoformat(),
                description="updated by a later run: records that were not final changed",
                metadata={"run_range": f"{self.first}..{self.last}"}))
        written = [w for w in self.writes if w.written]
        metadata: dict[str, Any] = {
            **counters.as_metadata(),
            "rows_inserted": sum(w.inserted for w in self.writes),
            "rows_updated": sum(w.updated for w in self.writes),
            "rows_unchanged": sum(w.unchanged for w in self.writes),
            "partitions_written": len(written),
            "partitions_written_outside_range": [d.isoformat() for d in outside],
            "lake_path": dg.MetadataValue.path(str(self.lake.entity_dir(self.spec))),
            "dagster/row_count": sum(w.rows for w in {w.day: w for w in self.writes}.values()),
            **{key: value for key, value in sorted(self.notes.items())},
        }
        return dg.MaterializeResult(metadata=metadata)


def fetch_by_day(
    fetch: Callable[[T], Any],
    work: dict[date, list[T]],
    workers: int,
    on_day: Callable[[date, list[tuple[T, Any]]], None],
) -> None:
    """Fetch every item of every day in parallel, oldest day first, and hand each day to
    `on_day` as soon as all its items are back, so each window is committed while later ones are
    still being fetched (a run killed half-way keeps every committed window)."""
    ordered = [(day, item) for day in sorted(work) for item in work[day]]
    remaining = {day: len(items) for day, items in work.items()}
    results: dict[date, list[tuple[T, Any]]] = defaultdict(list)
    for day in sorted(d for d, n in remaining.items() if n == 0):
        on_day(day, [])
    for (day, item), value in fetch_each(lambda pair: fetch(pair[1]), ordered, workers):
        results[day].append((item, value))
        remaining[day] -= 1
        if remaining[day] == 0:
            on_day(day, results.pop(day))
