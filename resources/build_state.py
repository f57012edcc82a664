"""What the warehouse was last built from, in `WAREHOUSE_DIR/state/build.json`.

- The lake's files per entity (path, size, mtime): a build that would read exactly what the
  last one read is skipped, so a sync that landed nothing builds nothing.
- The dbt project's fingerprint (every node's checksum in the manifest): when a model changed
  since the last build, incremental models are rebuilt from the whole lake (`--full-refresh`),
  since rows they kept were shaped by the old code.
- Lake files whose footer was already read (`Lake.verify` checks each new file once).

Fingerprints are taken before a build and recorded after it succeeded: a file that lands while
a build runs makes the next build run too, never the other way round.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resources.lake import Lake
from resources.sources import ALL_SPECS


def lake_fingerprints(lake: Lake) -> dict[str, str]:
    prints = {}
    for spec in ALL_SPECS:
        digest = hashlib.sha256()
        for path in sorted(lake.entity_dir(spec).glob("**/*.parquet")):
            stat = path.stat()
            digest.update(f"{path.relative_to(lake.raw)}:{stat.st_size}:{stat.st_mtime_ns};"
                          .encode())
        prints[spec.name] = digest.hexdigest()
    return prints


def project_fingerprint(manifest: Mapping[str, Any]) -> str:
    """Every node's checksum in the dbt manifest (the dict dagster-dbt already loaded)."""
    digest = hashlib.sha256()
    for kind in ("nodes", "macros", "sources"):
        for unique_id, node in sorted(manifest.get(kind, {}).items()):
            if unique_id.startswith(("model.", "test.", "macro.interview_warehouse",
                                     "source.", "unit_test.")):
                checksum = (node.get("checksum") or {}).get("checksum") or json.dumps(
                    node.get("config", {}), sort_keys=True, default=str)
                digest.update(f"{unique_id}:{checksum};".encode())
    return digest.hexdigest()


@dataclass
class BuildState:
    path: Path
    lake: dict[str, str] = field(default_factory=dict)
    project: str | None = None
    verified: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> BuildState:
        path = root / "state" / "build.json"
        try:
            saved: dict[str, Any] = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            saved = {}
        return cls(path, saved.get("lake", {}), saved.get("project"), saved.get("verified", {}))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"lake": self.lake, "project": self.project,
                                   "verified": self.verified}))
        tmp.replace(self.path)

    def changed(self, lake: dict[str, str]) -> list[str]:
        """Entities whose files differ from what the last build read."""
        return sorted(name for name, fingerprint in lake.items()
                      if self.lake.get(name) != fingerprint)
