"""The lake on disk: atomic merges, checkpoints, quarantine, rejections, repairs."""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from pathlib import Path

import pyarrow as pa
import pytest

from resources.genway import INTERVIEWS
from resources.lake import PARTITION, Lake
from resources.ledger import Ledger
from resources.quarantine import verify
from resources.records import RunInfo, to_table
from resources.rejections import Rejections
from resources.warehouse import LakeResource, WarehouseFiles, publish_copy

DAY = date(2026, 10, 1)
RUN = RunInfo("run-1", "root-1")


def rows(*ids: str, status: str = "completed") -> pa.Table:
    return to_table(INTERVIEWS, [{"interview_id": i, "project_id": "p", "status": status,
                                  "created_at": "2026-10-01T09:00:00Z",
                                  "updated_at": "2026-10-01T10:00:00Z"} for i in ids], RUN).table


def test_merge_writes_a_partition_with_its_run_in_the_footer(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    first = lake.merge(INTERVIEWS, DAY, rows("a", "b"), RUN)
    again = lake.merge(INTERVIEWS, DAY, rows("b"), RunInfo("run-2", "root-2"))
    assert (first.inserted, first.written, again.unchanged, again.written) == (2, True, 1, False)
    assert lake.committed_by(INTERVIEWS, "root-1") == {DAY}
    assert lake.partition_rows(INTERVIEWS, DAY)[0] == 2
    assert lake.state(INTERVIEWS, ["status"]).column(PARTITION).to_pylist() == ["2026-10-01"] * 2
    assert not list(lake.partition_path(INTERVIEWS, DAY).parent.glob("*.tmp"))


def test_an_unreadable_partition_is_moved_aside_and_its_day_marked_for_refetch(
        tmp_path: Path) -> None:
    resource = LakeResource(warehouse_dir=str(tmp_path))
    lake = resource.lake()
    lake.merge(INTERVIEWS, DAY, rows("a"), RUN)
    path = lake.partition_path(INTERVIEWS, DAY)
    path.write_bytes(b"garbage")
    assert lake.state(INTERVIEWS, ["status"]).num_rows == 0  # the rest of the lake reads
    [moved] = (lake.root / "_quarantine").rglob("*.parquet")
    assert moved.read_bytes() == b"garbage" and not path.exists()
    assert json.loads(moved.with_suffix(".reason.json").read_text())["partition"] == "2026-10-01"
    assert resource.ledger().repairs(INTERVIEWS.name) == [
        {"first": "2026-10-01", "last": "2026-10-01"}]


def test_verify_quarantines_files_whose_footer_cannot_be_read(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.merge(INTERVIEWS, DAY, rows("a"), RUN)
    lake.merge(INTERVIEWS, date(2026, 10, 2), rows("b"), RUN)
    seen: dict[str, list[int]] = {}
    assert verify(lake, seen) == [] and len(seen) == 2
    lake.partition_path(INTERVIEWS, DAY).write_bytes(b"PAR1 truncated")
    [bad] = verify(lake, seen)
    assert bad.parent.parent.name == "_quarantine" or "_quarantine" in bad.parts


def test_rejections_leave_when_the_record_lands_clean(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    rejections = Rejections(lake)
    bad = to_table(INTERVIEWS, [{"interview_id": "a", "duration_seconds": 1.5}], RUN)
    rejections.update(INTERVIEWS, bad.rejection_table(), pa.array([], pa.string()))
    assert rejections.read(INTERVIEWS)["record_id"].to_pylist() == ["a"]
    rejections.update(INTERVIEWS, bad.rejection_table().slice(0, 0), pa.array(["a"]))
    assert rejections.read(INTERVIEWS).num_rows == 0


def test_repairs_are_remembered_until_cleared(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    window = {"first": "2026-10-01", "last": "2026-10-03"}
    ledger.add_repair("gensail/jobs", window, "did not settle")
    ledger.add_repair("gensail/jobs", window, "did not settle again")
    assert Ledger(tmp_path / "ledger.sqlite").repairs("gensail/jobs") == [window]
    ledger.clear_repairs("gensail/jobs", [window])
    assert ledger.repairs("gensail/jobs") == []


def test_only_a_build_that_passed_is_published_and_whole(tmp_path: Path) -> None:
    published = tmp_path / "shared" / "published"
    files = WarehouseFiles(tmp_path / "warehouse", publish=partial(publish_copy, published))
    with files.build() as path:
        path.write_bytes(b"build 1")
    assert (published / "warehouse.duckdb").read_bytes() == b"build 1"
    with pytest.raises(RuntimeError), files.build() as path:
        path.write_bytes(b"build 2")
        raise RuntimeError("a model failed")
    assert (published / "warehouse.duckdb").read_bytes() == b"build 1"
    assert [p.name for p in published.iterdir()] == ["warehouse.duckdb"]  # no copy left over
