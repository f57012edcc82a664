"""What a sync did, printed for people: one row per entity, failed ones in the same table."""

from __future__ import annotations

from pipelines.sync import SyncOutcome

SHOWN = ("requests", "rate_limited_429", "retries", "rows_inserted", "rows_updated",
         "partitions_written", "records_recovered", "rejected_records")


def print_sync(outcome: SyncOutcome) -> None:
    print(f"sync {outcome.first}..{outcome.last} of {', '.join(outcome.sources)}: "
          f"{'succeeded' if outcome.success else 'FAILED'} (run {outcome.run_id})")
    for source in outcome.unconfigured:
        print(f"  {source}: skipped, not configured ({source.upper()}_* variables unset)")
    assets = sorted({*outcome.totals, *(a for a in outcome.failures if "/" in a)})
    width = max((len(a) for a in assets), default=10)
    print(f"  {'asset':<{width}}  {'status':<7}  " + "  ".join(
        f"{k:>{max(len(k), 6)}}" for k in SHOWN))
    for asset in assets:
        totals = outcome.totals.get(asset, {})
        status = "FAILED" if asset in outcome.failures else "ok"
        cells = "  ".join(f"{totals.get(k, ''):>{max(len(k), 6)}}" for k in SHOWN)
        print(f"  {asset:<{width}}  {status:<7}  {cells}")
    for where, why in sorted(outcome.failures.items()):
        print(f"  FAILED {where}: {why}")
    if outcome.build_run_id:
        built = "built" if outcome.warehouse_built else "NOT built"
        print(f"  warehouse: {built} over what landed, in run {outcome.build_run_id}")
    elif not outcome.build:
        print("  warehouse: not built (--no-build: the lake only)")
    elif not outcome.warehouse_built:
        print("  warehouse: not built (nothing changed since its last build, or it failed)")
    if outcome.log_path:
        print(f"  log: {outcome.log_path}")


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
