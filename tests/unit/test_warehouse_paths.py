"""dbt sees the same paths for every warehouse (so its partial-parse state holds for a new one),
and a lake file its error names, in either form, is still found to quarantine."""

from __future__ import annotations

from pathlib import Path

from assets.warehouse import DBT_PATHS, _build_folder, _lake_files_named
from resources.lake import Lake


def test_the_build_folder_links_the_lake_where_dbt_looks_for_it(tmp_path: Path) -> None:
    build = tmp_path / "build" / DBT_PATHS["DBT_DUCKDB_PATH"]
    build.parent.mkdir()
    old, new = tmp_path / "old-lake", tmp_path / "lake"
    old.mkdir(), new.mkdir()
    (build.parent / DBT_PATHS["LAKE_DIR"]).symlink_to(old)  # a lake that moved (LAKE_URL)

    assert _build_folder(build, new) == build.parent
    assert (build.parent / DBT_PATHS["LAKE_DIR"]).resolve() == new.resolve()


def test_lake_files_named_relative_or_absolute_are_found(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    named = lake.raw / "genway" / "interviews" / "date=2026-10-01" / "data.parquet"
    named.parent.mkdir(parents=True)
    named.write_bytes(b"PAR1 broken")
    relative = ("IO Error: No magic bytes found at end of file "
                "'lake/raw/genway/interviews/date=2026-10-01/data.parquet'")

    assert _lake_files_named(relative, lake) == [named]
    assert _lake_files_named(f"error reading '{named}'", lake) == [named]
    assert _lake_files_named("lake/raw/genway/interviews/date=2026-10-02/data.parquet",
                             lake) == []  # named, but not there: nothing to quarantine
