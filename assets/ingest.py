"""The ingestion step: one `multi_asset` over every entity of every source, built from the
registry (`resources/sources.py`) and each source's functions (`assets/<source>.py`).

One step, not one per entity or per source: the work is I/O-bound and bounded by the vendors'
rate limits, so the sources run side by side in threads of one process, which costs one import
of the code location instead of one per step. The UI still shows one asset per entity (grouped
per source, with its partitions, metadata and checks), and `can_subset` runs only what is
selected.

Failures stay in their lane: a source that fails does not stop the others, and an entity that
fails does not stop its source's other entities. What landed is reported; the step fails at the
end naming every entity that did not land completely.
"""


import inspect
import queue
import threading
from collections.abc import Iterator
from typing import Any

import dagster as dg

from assets import gensail, genway, interviewrelay
from assets.landing import EntityRun
from assets.partitions import DAILY, SINGLE_RUN, run_info, window
from assets.reporting import GAP_CHECK, Outcome, asset_key, events, has_gap_check
from resources.lake import Lake
from resources.ledger import Ledger
from resources.schemas import EntitySpec
from resources.sources import SOURCES, Source
from resources.warehouse import LakeResource

RUNNERS = {"genway": genway.RUNNERS, "gensail": gensail.RUNNERS,
           "interviewrelay": interviewrelay.RUNNERS}
CONTRACT_CHECK = "records_match_contract"
PROGRESS, PROGRESS_SECONDS = "progress:", 10.0


class IngestionFailed(Exception):
    """Some entities did not land completely; everything else did."""


def _asset_spec(spec: EntitySpec) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=asset_key(spec), group_name=spec.source, kinds={"python", "parquet"},
        description=inspect.getdoc(RUNNERS[spec.source][spec.entity]),
        partitions_def=DAILY if spec.partitioned else None, skippable=True,
        deps=[asset_key(SOURCES[spec.source].entity(spec.parent))] if spec.parent else [])


def _check_specs(spec: EntitySpec) -> list[dg.AssetCheckSpec]:
    checks = [dg.AssetCheckSpec(
        CONTRACT_CHECK, asset=asset_key(spec),
        description="Every record of the entity fits the contract. Records that do not are "
                    "landed (the bad field null, the raw JSON kept) and kept with their error in "
                    f"`lake/rejected/{spec.source}/{spec.entity}/`.")]
    if has_gap_check(spec):
        checks.append(dg.AssetCheckSpec(
            GAP_CHECK, asset=asset_key(spec),
            description="Every record the API listed for the run's range (and for the windows "
                        "read again) is in the lake after the run, apart from known 404s."))
    return checks


class _Store:
    """The lake and the ledger, opened once per step for every source's thread (opening a lake
    in object storage pulls it). A failure to open is each source's failure, as before."""

    def __init__(self, resource: LakeResource) -> None:
        self.resource, self._lock = resource, threading.Lock()
        self._opened: tuple[Lake, Ledger] | None = None

    def open(self) -> tuple[Lake, Ledger]:
        with self._lock:
            if self._opened is None:
                self._opened = self.resource.lake(), self.resource.ledger()
            return self._opened


def _source_thread(context: dg.AssetExecutionContext, source: Source,
                   specs: list[EntitySpec], outcomes: queue.Queue[Outcome | None],
                   current: dict[str, EntityRun], opened: _Store) -> None:
    """Run one source's selected entities in turn; report each as it ends."""
    reported: list[EntitySpec] = []

    def report(outcome: Outcome) -> None:
        reported.append(outcome.spec)
        outcomes.put(outcome)

    try:
        resource = getattr(context.resources, source.name)
        if not resource.is_configured():
            variables = ", ".join(s.variable for s in source.settings if s.required)
            context.log.info(f"{source.name} is not configured ({variables} unset): skipping")
            return
        (store, ledger), run, span = opened.open(), run_info(context), window(context)
        with resource.open(context.log) as client:
            for spec in specs:
                before = client.counters.as_metadata()
                entity = EntityRun(spec, resource, client, store, ledger, run,
                                   span if spec.partitioned else None, context.log,
                                   client.counters)
                current[source.name] = entity
                error: Exception | None = None
                try:
                    RUNNERS[source.name][spec.entity](entity)
                except Exception as exc:
                    error = exc
                report(Outcome(spec, entity, client.counters.since(before), error,
                               [] if error else entity.gap()))
    except Exception as exc:  # the source could not start (settings, lake): all of it failed
        for spec in specs:
            if spec not in reported:
                report(Outcome(spec, None, {}, exc))
    finally:
        current.pop(source.name, None)
        outcomes.put(None)


def _progress(context: dg.AssetExecutionContext, current: dict[str, EntityRun]) -> None:
    """A line per source still running: what a long run has done so far."""
    for name, entity in sorted(current.items()):
        days = len({w.day for w in entity.writes if w.written})
        context.log.info(f"{PROGRESS} {name}: {entity.counters.requests} requests, "
                         f"{entity.counters.records} records; {entity.spec.entity}: {days} "
                         f"days committed")


def _ingest(context: dg.AssetExecutionContext) -> Iterator[Any]:
    selected = context.selected_asset_keys
    work = {name: [s for s in source.entities if asset_key(s) in selected]
            for name, source in SOURCES.items()}
    work = {name: specs for name, specs in work.items() if specs}
    outcomes: queue.Queue[Outcome | None] = queue.Queue()
    current: dict[str, EntityRun] = {}
    opened = _Store(context.resources.lake)
    threads = [threading.Thread(target=_source_thread, name=f"ingest-{name}", daemon=True,
                                args=(context, SOURCES[name], specs, outcomes, current, opened))
               for name, specs in work.items()]
    for thread in threads:
        thread.start()
    failures, running = [], len(threads)
    while running:
        try:
            outcome = outcomes.get(timeout=PROGRESS_SECONDS)
        except queue.Empty:
            _progress(context, current)
            continue
        if outcome is None:
            running -= 1
            continue
        yield from events(context, outcome, CONTRACT_CHECK)
        for failure in outcome.failures():
            context.log.error(f"{outcome.spec.name}: {failure}")
            context.log_event(dg.AssetObservation(
                asset_key=asset_key(outcome.spec), metadata={"error": failure},
                description="this run did not land the entity completely"))
            failures.append(f"{outcome.spec.name}: {failure}")
    for thread in threads:
        thread.join()
    if failures:
        raise IngestionFailed("; ".join(failures))


@dg.multi_asset(
    name="ingest",
    specs=[_asset_spec(spec) for source in SOURCES.values() for spec in source.entities],
    check_specs=[check for source in SOURCES.values() for spec in source.entities
                 for check in _check_specs(spec)],
    can_subset=True,
    backfill_policy=SINGLE_RUN,
    required_resource_keys={"lake", *SOURCES},
)
def ingest(context: dg.AssetExecutionContext) -> Iterator[Any]:
    """Pull every selected entity of every configured source into the lake, the sources side by
    side, each source's entities in dependency order."""
    yield from _ingest(context)


ASSETS = [ingest]
