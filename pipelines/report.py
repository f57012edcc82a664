"""What a sync did, printed for people."""

from __future__ import annotations

from collections import defaultdict

from pipelines.sync import SyncOutcome

SHOWN = ("requests", "rate_limited_429", "retries", "rows_inserted", "rows_updated",
         "partitions_written", "not_found_skipped")


def print_sync(outcome: SyncOutcome) -> None:
    print(f"sync {outcome.first}..{outcome.last} of {', '.join(outcome.sources)}: "
          f"{'succeeded' if outcome.success else 'FAILED'} (run {outcome.run_id})")
    for source in outcome.unconfigured:
        print(f"  {source}: skipped, not configured ({source.upper()}_* variables unset)")
    per_asset: dict[str, dict] = defaultdict(dict)
    for asset, _partition, metadata in outcome.materializations:
        if "requests" in metadata:  # the run's own; the same for each partition of its range
            per_asset[asset] = metadata
    width = max((len(a) for a in per_asset), default=10)
    print(f"  {'asset':<{width}}  " + "  ".join(f"{k:>{max(len(k), 6)}}" for k in SHOWN))
    for asset in sorted(per_asset):
        cells = [str(per_asset[asset].get(k, "")) for k in SHOWN]
        print(f"  {asset:<{width}}  " + "  ".join(
            f"{c:>{max(len(k), 6)}}" for c, k in zip(cells, SHOWN, strict=True)))


def print_landed(landed: dict[str, int], truth: dict[str, int]) -> bool:
    """Landed ids per entity beside the source's truth; True when every entity matches."""
    print("  landed ids per entity (lake) / what the API holds (simulator truth):")
    matches = True
    for entity in sorted(landed):
        expected = truth.get(entity)
        ok = expected is None or expected == landed[entity]
        matches &= ok
        shown = "" if expected is None else f" / {expected}"
        print(f"    {entity:<34} {landed[entity]:>7}{shown}{'' if ok else '   MISMATCH'}")
    return matches
