"""Records that break the contract, kept raw with the error beside them.

One file per entity, `lake/rejected/<source>/<entity>/data.parquet`, one row per (record,
field). A record leaves it as soon as a later version of it lands clean. The ingestion assets
report these rows in their metadata and as a failing asset check; nothing in the file is lost
from the lake, since the record also lands in its entity with the bad field null.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from resources.lake import Lake
from resources.records import REJECTION_SCHEMA
from resources.schemas import EntitySpec


class Rejections:
    def __init__(self, lake: Lake) -> None:
        self.lake = lake
        self.root = lake.root / "rejected"

    def path(self, spec: EntitySpec) -> Path:
        return self.root / spec.source / spec.entity / "data.parquet"

    def read(self, spec: EntitySpec) -> pa.Table:
        path = self.path(spec)
        return pq.read_table(path, schema=REJECTION_SCHEMA) if path.exists() else \
            REJECTION_SCHEMA.empty_table()

    def update(self, spec: EntitySpec, rejected: pa.Table,
               landed_ids: pa.Array | pa.ChunkedArray) -> None:
        """Add this batch's rejections; forget older ones of every record it landed."""
        path = self.path(spec)
        if rejected.num_rows == 0 and not path.exists():
            return
        with self.lake.lock(f"rejected/{spec.source}/{spec.entity}"):
            self.lake.refresh(path)
            old = self.read(spec)
            settled = pa.concat_arrays([_flat(landed_ids).cast(pa.string()),
                                        _flat(rejected["record_id"])])
            kept = old.filter(pc.invert(pc.fill_null(pc.is_in(old["record_id"], settled),
                                                     False)))
            table = pa.concat_tables([kept, rejected])
            if table.num_rows == 0:
                self.lake.remove(path)
                return
            self.lake.commit(path, table)


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
