"""What a person running `sync` or the demo sees: a line per source as the run goes (requests,
records, days committed) and per entity as it lands, not Dagster's debug stream. That stream,
and what dbt prints, go to a log file under `DAGSTER_HOME/logs/`, named in the summary."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.dagster_run import RunsFilter

from assets.ingest import PROGRESS
from pipelines.runs import PID_TAG

QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class RunWatch:
    """Polls the instance for the runs this process starts and prints what a person wants to
    see of them."""

    def __init__(self, instance: dg.DagsterInstance, out: IO[str], pid: str,
                 interval: float = 2.0) -> None:
        self.instance, self.out, self.pid, self.interval = instance, out, pid, interval
        self.started = datetime.now(UTC)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="run-watch", daemon=True)
        self._cursors: dict[str, str | None] = {}

    def __enter__(self) -> RunWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval * 2)
        self._poll()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self._poll()

    def _poll(self) -> None:
        runs = self.instance.get_runs(RunsFilter(tags={PID_TAG: self.pid},
                                                 created_after=self.started))
        for run in reversed(runs):  # oldest first
            page = self.instance.get_records_for_run(run.run_id,
                                                     cursor=self._cursors.get(run.run_id))
            self._cursors[run.run_id] = page.cursor
            for record in page.records:
                line = _line(record.event_log_entry)
                if line:
                    print(f"  {line}", file=self.out, flush=True)


def _line(entry: dg.EventLogEntry) -> str | None:
    event = entry.dagster_event
    if event is None:
        message = entry.user_message
        if message.startswith(PROGRESS) or message.startswith(("building the warehouse",
                                                                 "the warehouse is current")):
            return message.removeprefix(PROGRESS).strip()
        return None
    data = event.event_specific_data
    found = getattr(data, "asset_observation", None) or getattr(data, "materialization", None)
    if found is None or "requests" not in found.metadata:
        return None
    md = {k: getattr(v, "value", v) for k, v in found.metadata.items()}
    return (f"{found.asset_key.to_user_string()}: {md.get('rows_inserted', 0)} new, "
            f"{md.get('rows_updated', 0)} changed, {md.get('requests', 0)} requests")


@contextlib.contextmanager
def log_file(home: Path) -> Iterator[tuple[Path, IO[str]]]:
    """Where the debug stream and dbt's output go; yields it and the real stdout."""
    logs = home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-sync.log"
    real = sys.stdout
    with open(path, "a") as handle, contextlib.redirect_stdout(handle):
        yield path, real


def write_events(entries: Iterable[EventLogEntry], path: Path) -> None:
    with open(path, "a") as handle:
        for entry in entries:
            when = datetime.fromtimestamp(entry.timestamp, UTC).isoformat(timespec="seconds")
            handle.write(f"{when} {logging.getLevelName(entry.level)} {entry.step_key or '-'} "
                         f"{entry.dagster_event.event_type_value if entry.dagster_event else ''}"
                         f" {entry.message}\n")
