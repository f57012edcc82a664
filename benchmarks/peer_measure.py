"""Wall time, CPU and memory of a command's whole process tree (Linux `/proc`).

CPU is counted two ways, and the larger is reported:

- The kernel's own account. Before starting the command this process becomes a *child
  subreaper* (`prctl(PR_SET_CHILD_SUBREAPER)`), so a descendant whose parent exits first (a
  multiprocessing forkserver outliving the Dagster run, say) is re-parented here instead of to
  init. When a process is reaped, its user+sys time, plus that of every descendant it reaped
  itself, is added to its parent's `RUSAGE_CHILDREN`. Once the command has exited this process
  reaps every re-parented orphan too (waiting for stragglers, killing them after a grace
  period), so the `getrusage(RUSAGE_CHILDREN)` delta over the run holds every process of the
  tree, however short-lived: nothing is sampled, nothing falls between two samples.
- Sampling, as a cross-check and a fallback: every ~50 ms all of `/proc/*/stat` is read, the
  tree is rebuilt from parent links (from the command and from any orphan re-parented here, plus
  anything in the command's session), and each process's utime+stime is kept at its last seen
  value (keyed by pid and start time, so a reused pid is not confused). It misses up to one
  interval per process and processes that lived less than one interval; it is a lower bound.

Memory, at every sample: the sum of `Pss` (and beside it `Rss`) from `/proc/<pid>/smaps_rollup`
over the tree's live processes, max over the run. PSS divides shared pages between the processes
sharing them, so forked workers sharing their parent's pages are not counted twice (RSS would).
Peaks between samples are not seen; memory moves slowly enough for 50 ms to be fair.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Usage:
    returncode: int
    started: float  # epoch seconds at launch (to line up with Dagster's event timestamps)
    wall: float
    cpu_kernel: float  # RUSAGE_CHILDREN delta after reaping the whole tree
    cpu_sampled: float  # sum of last seen utime+stime per process
    peak_pss_mb: float
    peak_rss_mb: float
    max_procs: int
    pids_seen: int
    output: Path

    @property
    def cpu(self) -> float:
        return max(self.cpu_kernel, self.cpu_sampled)


@dataclass
class _Sampler:
    root: int
    exclude: set[int]
    cpu: dict[tuple[int, str], int] = field(default_factory=dict)
    peak_pss_kb: int = 0
    peak_rss_kb: int = 0
    max_procs: int = 0

    def sample(self) -> None:
        # pid -> (ppid, session, state, utime+stime ticks, start time)
        procs: dict[int, tuple[int, int, str, int, str]] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    text = Path(f"/proc/{name}/stat").read_text()
                except OSError:
                    continue
                rest = text[text.rfind(")") + 2:].split()
                procs[int(name)] = (int(rest[1]), int(rest[3]), rest[0],
                                    int(rest[11]) + int(rest[12]), rest[19])
        me = os.getpid()
        roots = {self.root} | {p for p, v in procs.items()
                               if (v[0] == me or v[1] == self.root) and p not in self.exclude}
        children: dict[int, list[int]] = {}
        for pid, v in procs.items():
            children.setdefault(v[0], []).append(pid)
        tree, stack = set(), [p for p in roots if p in procs]
        while stack:
            pid = stack.pop()
            if pid not in tree:
                tree.add(pid)
                stack.extend(children.get(pid, []))
        pss = rss = alive = 0
        for pid in tree:
            _, _, state, ticks, start = procs[pid]
            self.cpu[(pid, start)] = ticks
            if state in "ZX":
                continue
            alive += 1
            got_pss, got_rss = _rollup(pid)
            pss, rss = pss + got_pss, rss + got_rss
        self.peak_pss_kb, self.peak_rss_kb = max(self.peak_pss_kb, pss), max(self.peak_rss_kb, rss)
        self.max_procs = max(self.max_procs, alive)


def _rollup(pid: int) -> tuple[int, int]:
    """(Pss, Rss) in kB; zero for a process that is gone or a kernel thread."""
    values = {"Pss:": 0, "Rss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(" ")
            if key in values:
                values[key] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return values["Pss:"], values["Rss:"]


def become_subreaper() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _our_children(skip: set[int]) -> list[int]:
    """Pids whose parent is this process, apart from `skip`."""
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in skip:
            try:
                text = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            if int(text[text.rfind(")") + 2:].split()[1]) == me:
                found.append(int(name))
    return found


def _reap(pids: list[int], grace: float) -> None:
    deadline = time.monotonic() + grace
    for pid in pids:
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)


def run_tree(cmd: list[str], env: dict[str, str], output: Path, interval: float = 0.05,
             grace: float = 20.0) -> Usage:
    """Run `cmd` (stdout+stderr to `output`) and measure its tree. Our children from before the
    launch (the simulators) are neither counted nor reaped."""
    if not become_subreaper():
        print("peer: prctl(PR_SET_CHILD_SUBREAPER) failed; orphans' CPU is only sampled")
    exclude = set(_our_children(set()))  # before the launch: the command is not among them
    cpu_before = _cpu_children()
    started, t0 = time.time(), time.perf_counter()
    with output.open("w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    sampler, stop = _Sampler(proc.pid, exclude), threading.Event()

    def loop() -> None:
        while not stop.is_set():
            sampler.sample()
            stop.wait(interval)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    returncode = proc.wait()
    wall = time.perf_counter() - t0
    stop.set()
    thread.join()
    sampler.sample()  # orphans still running, and zombies not yet reaped
    _reap(_our_children(exclude), grace)
    with contextlib.suppress(ProcessLookupError):  # stragglers in the command's process group
        os.killpg(proc.pid, signal.SIGKILL)
        _reap(_our_children(exclude), grace)
    return Usage(returncode, started, wall, _cpu_children() - cpu_before,
                 sum(sampler.cpu.values()) / CLK_TCK, sampler.peak_pss_kb / 1024,
                 sampler.peak_rss_kb / 1024, sampler.max_procs, len(sampler.cpu), output)
