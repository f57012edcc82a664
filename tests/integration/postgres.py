"""A private PostgreSQL server for a test: a fresh cluster on a free loopback port, stopped by
its PID when the test ends. PostgreSQL refuses to run as root, so as root the cluster belongs to
the `postgres` user (`dev.py test` installs Debian's server when it is missing)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from tests.integration.ports import free_port


def _bin(program: str) -> str:
    found = shutil.which(program)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if not versions:
        raise RuntimeError(f"PostgreSQL's {program} is not installed (python3 dev.py test "
                           "installs it with apt-get)")
    return str(versions[-1])


@contextmanager
def private_postgres() -> Iterator[str]:
    """Yields a `postgresql+psycopg2://` URL of a new, empty database."""
    root = Path(tempfile.mkdtemp(prefix="iw-pg-"))
    data, port = root / "data", free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run([*as_user, _bin("initdb"), "-D", str(data), "-A", "trust", "-U",
                        "postgres", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*as_user, _bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o",
                        f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off", "-w", "start"],
                       check=True, capture_output=True)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        try:
            url = f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
            _wait_ready(url)
            yield url
        finally:
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown: nothing to keep
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(url: str) -> None:
    for _ in range(50):
        try:
            psycopg2.connect(url.replace("+psycopg2", ""), connect_timeout=2).close()
            return
        except psycopg2.OperationalError:
            time.sleep(0.2)
    raise RuntimeError("the private PostgreSQL did not accept connections")
