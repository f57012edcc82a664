"""What an entity's run reports to Dagster.

Each partition's materialization carries that partition's own figures (records this run landed
in it, rows inserted/updated/unchanged, bytes, `dagster/row_count` = rows in its file), so the
Partitions tab tells the truth about each day. The run's totals for the entity (requests, 429s,
retries, waits, pages, drift recovered, notes) go on one observation named as such, and on the
materialization of a snapshot. The contract check reports the entity's rejected records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dagster as dg

from assets.landing import EntityRun
from resources.errors import SourceError
from resources.lake import WriteResult
from resources.rejections import Rejections
from resources.schemas import EntitySpec

SAMPLE = 5  # rejected records named in the check's metadata


GAP_CHECK = "listed_records_landed"


def asset_key(spec: EntitySpec) -> dg.AssetKey:
    """`lake/<source>__<entity>`: the layer, as the warehouse's keys start with theirs, then a
    name that says its source, since the UI often shows only a key's last part and two sources
    have `transcripts`."""
    return dg.AssetKey(["lake", f"{spec.source}__{spec.entity}"])


def has_gap_check(spec: EntitySpec) -> bool:
    """Entities whose records are listed by the run (the others are fetched per parent)."""
    return spec.partitioned and not spec.child


@dataclass
class Outcome:
    spec: EntitySpec
    run: EntityRun | None  # None: the source could not even start
    totals: dict[str, float | int]
    error: Exception | None
    gap: list[str] = field(default_factory=list)  # listed in scope, not in the lake after

    def failures(self) -> list[str]:
        """Why the entity did not land completely (empty when it did)."""
        found = []
        if self.error is not None:
            message = str(self.error)
            if isinstance(self.error, SourceError):
                message = message.removeprefix(f"{self.error.source}: ")
            found.append(message)
        for listing in self.run.unsettled if self.run else []:
            found.append(f"{listing}; what was seen landed, and the next run reads the window "
                         "again")
        if self.gap:
            found.append(f"{len(self.gap)} listed record(s) did not land: "
                         f"{', '.join(self.gap[:SAMPLE])}{' …' if len(self.gap) > SAMPLE else ''}")
        return found


def events(context: dg.AssetExecutionContext, outcome: Outcome, check: str) -> Iterator[Any]:
    run, spec = outcome.run, outcome.spec
    if run is None:
        return
    key = asset_key(spec)
    complete = outcome.error is None
    by_day: dict[date, list[WriteResult]] = defaultdict(list)
    for write in run.writes:
        by_day[write.day].append(write)
    in_range = set(run.days()) if complete else set()
    outside = sorted(d for d, ws in by_day.items() if d not in in_range and any(
        w.written for w in ws))
    totals = {**outcome.totals, **_sums(run.writes), "partitions_written": sum(
        1 for ws in by_day.values() if any(w.written for w in ws)),
        "partitions_written_outside_range": [d.isoformat() for d in outside],
        "rejected_records": run.rejected,
        "lake_path": dg.MetadataValue.path(str(run.lake.entity_dir(spec))),
        **dict(sorted(run.notes.items()))}
    for day in sorted(in_range):
        context.add_asset_metadata(_partition(run, day, by_day.get(day, [])), asset_key=key,
                                   partition_key=day.isoformat())
    for day in outside:
        context.log_event(dg.AssetMaterialization(
            asset_key=key, partition=day.isoformat(), metadata=_partition(run, day, by_day[day]),
            description="landed by a run of another range: records that were not final "
                        "changed, or a window was read again"))
    if not complete:
        return
    if spec.partitioned:
        context.log_event(dg.AssetObservation(asset_key=key, metadata=totals,
                                              description="this run's totals for the entity"))
        yield dg.MaterializeResult(asset_key=key)
    else:
        snapshot = by_day[max(by_day)][-1] if by_day else None
        yield dg.MaterializeResult(asset_key=key, metadata={
            **totals, **(_partition(run, snapshot.day, [snapshot]) if snapshot else {})})
    yield _contract_check(run, key, check)
    if has_gap_check(spec):
        yield dg.AssetCheckResult(
            asset_key=key, check_name=GAP_CHECK, passed=not outcome.gap,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"listed_in_scope": len(run.expected), "missing": len(outcome.gap),
                      **({"missing_ids": ", ".join(outcome.gap[:SAMPLE])} if outcome.gap
                         else {})})


def _sums(writes: list[WriteResult]) -> dict[str, int]:
    return {"rows_inserted": sum(w.inserted for w in writes),
            "rows_updated": sum(w.updated for w in writes),
            "rows_unchanged": sum(w.unchanged for w in writes)}


def _partition(run: EntityRun, day: date, writes: list[WriteResult]) -> dict[str, Any]:
    path = run.lake.partition_path(run.spec, day)
    rows, size = (writes[-1].rows, writes[-1].bytes) if writes else run.lake.partition_rows(
        run.spec, day)
    sums = _sums(writes)
    return {"records": sum(sums.values()), **sums, "bytes": size, "dagster/row_count": rows,
            "path": dg.MetadataValue.path(str(path))}


def _contract_check(run: EntityRun, key: dg.AssetKey, check: str) -> dg.AssetCheckResult:
    rejected = Rejections(run.lake).read(run.spec).to_pylist()
    return dg.AssetCheckResult(
        asset_key=key, check_name=check, passed=not rejected,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rejected_records": len(rejected),
                  "rejections_path": str(Rejections(run.lake).path(run.spec)),
                  **({"examples": dg.MetadataValue.md("\n".join(
                      f"- `{r['record_id']}` {r['error']}" for r in rejected[:SAMPLE]))}
                     if rejected else {})})
