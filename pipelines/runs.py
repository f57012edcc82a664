"""Runs that died without saying so: found, marked failed, their pool slots freed.

A run killed with SIGKILL (or whose machine lost power) stays STARTED in the instance forever and
keeps any pool slot it claimed, so every later run that needs the slot (`warehouse_build`) would
wait for ever. Dagster's run monitoring (`run_monitoring` in `dagster.yaml`, which `sync` writes)
frees slots of runs that *ended*, and the daemon can time out runs that never started; what it
cannot do with the default run launcher is notice that a started run's process is gone. This
module does: a run is dead when the process that started it no longer exists on this host (or
is another process that reused its pid). It runs before every `sync`, while a `sync` waits for a
slot, and as a sensor under the daemon.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, RunsFilter

HOST_TAG, PID_TAG = "interview_warehouse/host", "interview_warehouse/pid"
log = logging.getLogger("interview_warehouse.runs")


def process_tags() -> dict[str, str]:
    """Tags naming the process that executes a run started from here (`sync`)."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def _started_at(pid: int) -> float | None:
    """When a process started (seconds since the epoch), or None when it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError, StopIteration):
        return None


def _worker_pid(instance: dg.DagsterInstance, record: dg.RunRecord) -> int | None:
    """The pid of the run's process on this host, if known."""
    tags = record.dagster_run.tags
    if PID_TAG in tags:
        return int(tags[PID_TAG]) if tags.get(HOST_TAG) == socket.gethostname() else None
    if not instance.is_ephemeral and "sqlite" not in type(instance.run_storage).__name__.lower():
        return None  # a shared instance: the run may live on another host; Dagster's business
    starts = instance.all_logs(record.dagster_run.run_id, of_type=dg.DagsterEventType.RUN_START)
    event = starts[-1].dagster_event if starts else None
    return event.pid if event is not None else None


def is_orphaned(instance: dg.DagsterInstance, record: dg.RunRecord) -> bool:
    pid = _worker_pid(instance, record)
    if pid is None:
        return False
    started = _started_at(pid)
    run_started = record.start_time or record.create_timestamp.timestamp()
    return started is None or started > run_started + 1.0


def reap_orphaned_runs(instance: dg.DagsterInstance, pool: str | None = None) -> list[str]:
    """Mark dead runs failed and free their slots; also free slots that finished runs still
    hold. Returns the run ids it acted on."""
    reaped = []
    records = instance.get_run_records(RunsFilter(statuses=[
        *IN_PROGRESS_RUN_STATUSES, dg.DagsterRunStatus.CANCELING]))
    for record in records:
        if is_orphaned(instance, record):
            run = record.dagster_run
            message = ("the process running this run is gone (killed, or its machine stopped): "
                       "marked failed by interview-warehouse so that its pool slots are freed")
            instance.report_run_failed(run, message)
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            log.warning("run %s (%s) was orphaned: %s", run.run_id, run.job_name, message)
            reaped.append(run.run_id)
    if pool is not None:
        info = instance.event_log_storage.get_concurrency_info(pool)
        holders = {slot.run_id for slot in info.claimed_slots}
        for run_id in holders:
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                reaped.append(run_id)
    return reaped


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def reap_orphaned_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Marks runs whose process died as failed and frees the pool slots they held, so that a
    crash never blocks the warehouse build of later runs."""
    reaped = reap_orphaned_runs(context.instance, pool="warehouse_build")
    return dg.SkipReason(f"reaped {len(reaped)} run(s): {', '.join(reaped)}" if reaped
                         else "no orphaned run")


class PoolWatch:
    """While a run of this process waits for a pool slot: say so at WARNING, with who holds it;
    free slots of dead holders; and after `limit` seconds interrupt the run rather than wait
    for ever (the run then fails, naming the wait)."""

    def __init__(self, instance: dg.DagsterInstance, pool: str, limit: float,
                 interval: float = 5.0) -> None:
        self.instance, self.pool, self.limit, self.interval = instance, pool, limit, interval
        self.timed_out = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="pool-watch", daemon=True)
        self._mine: dict[str, bool] = {}

    def __enter__(self) -> PoolWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval * 2)

    def _is_mine(self, run_id: str) -> bool:
        if run_id not in self._mine:
            run = self.instance.get_run_by_id(run_id)
            self._mine[run_id] = run is not None and run.tags.get(PID_TAG) == str(os.getpid())
        return self._mine[run_id]

    def _watch(self) -> None:
        waiting_since: float | None = None
        while not self._stop.wait(self.interval):
            info = self.instance.event_log_storage.get_concurrency_info(self.pool)
            # A pending step that was assigned a slot holds it: only unassigned ones wait.
            if not any(self._is_mine(step.run_id) for step in info.pending_steps
                       if step.assigned_timestamp is None):
                waiting_since = None
                continue
            waiting_since = waiting_since or time.monotonic() - self.interval
            reap_orphaned_runs(self.instance, self.pool)
            holders = sorted({slot.run_id for slot in info.claimed_slots})
            waited = time.monotonic() - waiting_since
            log.warning("waiting %.0f s for a slot of pool %r (limit %s), held by run(s) %s; "
                        "dead holders are freed automatically; giving up after %.0f s",
                        waited, self.pool, info.limit, ", ".join(holders) or "none",
                        self.limit)
            if waited > self.limit:
                self.timed_out = True
                log.error("gave up waiting for pool %r after %.0f s", self.pool, waited)
                os.kill(os.getpid(), signal.SIGINT)
                return
