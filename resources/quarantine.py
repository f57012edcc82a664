"""Lake files that cannot be read: moved aside, never deleted, and reported so that their
partition is fetched again. `verify` reads the footer of each new file once, before a build."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from resources.schemas import EntitySpec
from resources.sources import ALL_SPECS

if TYPE_CHECKING:
    from resources.lake import Lake

UNREADABLE = (OSError, pa.ArrowException)
Quarantined = Callable[[EntitySpec, date, Path, str], None]
log = logging.getLogger("interview_warehouse.lake")


class Quarantine:
    """`lake/_quarantine/<the file's path in the lake>` with a `.reason.json` beside it."""

    def __init__(self, lake_root: Path, on_moved: Quarantined | None = None) -> None:
        self.root, self.on_moved = lake_root, on_moved

    def move(self, spec: EntitySpec, day: date, path: Path, error: BaseException) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.root / "_quarantine" / path.relative_to(self.root).parent / (
            f"{stamp}-{path.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        reason = f"{type(error).__name__}: {error}"
        target.with_suffix(".reason.json").write_text(json.dumps({
            "entity": spec.name, "partition": day.isoformat(), "from": str(path),
            "error": reason, "quarantined_at": stamp}, indent=2))
        log.warning("%s: unreadable partition %s moved to %s (%s); it will be fetched again",
                    spec.name, path, target, reason)
        if self.on_moved is not None:
            self.on_moved(spec, day, target, reason)
        return target


def verify(lake: Lake, seen: dict[str, list[int]]) -> list[Path]:
    """Read the footer of every partition file not verified before (`seen`: path -> [size,
    mtime_ns], updated in place); quarantine the unreadable. Returns where they went."""
    bad = []
    for spec in ALL_SPECS:
        for day, path in lake.partitions(spec):
            stat = path.stat()
            if seen.get(str(path)) == [stat.st_size, stat.st_mtime_ns]:
                continue
            try:
                pq.read_metadata(path)
            except UNREADABLE as exc:
                bad.append(lake.quarantine(spec, day, path, exc))
                continue
            seen[str(path)] = [stat.st_size, stat.st_mtime_ns]
    return bad


def locate(lake: Lake, path: Path) -> tuple[EntitySpec, date] | None:
    """The entity and partition a lake file belongs to."""
    try:
        source, entity, part = path.resolve().relative_to(lake.raw).parts[:3]
    except ValueError:
        return None
    spec = next((s for s in ALL_SPECS if (s.source, s.entity) == (source, entity)), None)
    if spec is None or not part.startswith("date="):
        return None
    return spec, date.fromisoformat(part.removeprefix("date="))
