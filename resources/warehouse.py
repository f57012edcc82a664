"""Where the lake, the ledger and the DuckDB warehouse live (`WAREHOUSE_DIR`)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from resources.lake import Lake
from resources.ledger import Ledger

DEFAULT_WAREHOUSE_DIR = "./warehouse"


class LakeResource(dg.ConfigurableResource):
    """The Parquet lake under `WAREHOUSE_DIR/lake/raw`, and the fetch ledger beside it."""

    warehouse_dir: str = DEFAULT_WAREHOUSE_DIR

    @property
    def root(self) -> Path:
        return Path(self.warehouse_dir).resolve()

    def lake(self) -> Lake:
        return Lake(self.root)

    def ledger(self) -> Ledger:
        return Ledger(self.root / "state" / "ledger.sqlite")
