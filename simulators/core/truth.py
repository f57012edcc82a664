"""How `/_sim/truth` sums up what a complete pull must land.

An entity is `{id: content}`; its summary is the count, the sorted ids and a checksum over the
contents' JSON in id order, which the tests recompute from what the API serves. Binary media
enter the truth by fingerprint, not by value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def summary(records: dict[str, Any]) -> dict[str, Any]:
    ids = sorted(records)
    digest = hashlib.sha256()
    for record_id in ids:
        digest.update(json.dumps(records[record_id], sort_keys=True).encode())
    return {"count": len(ids), "ids": ids, "checksum": digest.hexdigest()}


def fingerprint(body: bytes) -> dict[str, Any]:
    """What a download must match: its size and SHA-256."""
    return {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
