"""Where the lake, the ledger and the DuckDB warehouse live (`WAREHOUSE_DIR`).

The warehouse is `WAREHOUSE_DIR/warehouse.duckdb`, and analysts may hold it open read-only at any
time. DuckDB lets one process write a file and locks it, so a build never writes that file: it
copies it to `build/warehouse.duckdb`, builds there, and renames the result over the old file.
An open reader keeps the build it opened (the old inode) and a new reader sees the new one; no
reader ever sees a half-built warehouse, and no reader can make a build fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from filelock import FileLock

from resources.lake import Lake
from resources.ledger import Ledger

DEFAULT_WAREHOUSE_DIR = "./warehouse"
WAREHOUSE_FILE = "warehouse.duckdb"


class WarehouseFiles:
    def __init__(self, root: Path) -> None:
        self.path = root / WAREHOUSE_FILE
        self.build_path = root / "build" / WAREHOUSE_FILE
        self._lock = root / "state" / "warehouse-build.lock"

    def _clear_build(self) -> None:
        for leftover in (self.build_path, self.build_path.with_name(WAREHOUSE_FILE + ".wal")):
            leftover.unlink(missing_ok=True)

    @contextmanager
    def build(self) -> Iterator[Path]:
        """A private copy of the warehouse to build into; swapped in only if the block succeeds.

        The Dagster pool already runs one build at a time per instance; the file lock also
        covers builds from another instance (the CLI beside `dagster dev`, say)."""
        self._lock.parent.mkdir(parents=True, exist_ok=True)
        self.build_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self._lock)):
            self._clear_build()
            try:
                if self.path.exists():
                    # Models a subset run does not rebuild keep their previous content.
                    shutil.copyfile(self.path, self.build_path)
                yield self.build_path
                os.replace(self.build_path, self.path)
            finally:
                self._clear_build()


class LakeResource(dg.ConfigurableResource):
    """The Parquet lake under `WAREHOUSE_DIR/lake/raw`, the fetch ledger and the warehouse file
    beside it."""

    warehouse_dir: str = DEFAULT_WAREHOUSE_DIR

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir).resolve()

    def lake(self) -> Lake:
        return Lake(self.root)

    def ledger(self) -> Ledger:
        return Ledger(self.root / "state" / "ledger.sqlite")

    def warehouse_files(self) -> WarehouseFiles:
        return WarehouseFiles(self.root)
