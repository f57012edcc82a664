"""Settings that cannot work fail `sync` within seconds: one line that names the variable, no
traceback, no retry loop, nothing landed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.ingest_support import ROOT
from tests.integration.ports import free_port
from tests.integration.proxy import serving

SYNC = [str(Path(sys.executable).with_name("interview-warehouse")), "sync",
        "--start", "2026-10-30", "--end", "2026-11-01"]


def _sync(env: dict[str, str], tmp_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(SYNC, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DAGSTER_HOME": str(tmp_path / "home"), **env})
    return done, time.monotonic() - started


def _one_line(done: subprocess.CompletedProcess, elapsed: float, *needles: str) -> None:
    assert done.returncode == 2, (done.stdout[-2000:], done.stderr[-2000:])
    assert elapsed < 10, elapsed
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_a_closed_port_fails_in_seconds_naming_the_variable(
        pipeline_env: dict[str, str], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    done, elapsed = _sync({**pipeline_env, "GENWAY_BASE_URL": url}, tmp_path)
    _one_line(done, elapsed, "GENWAY_BASE_URL", url, "nothing answers")
    assert not (Path(pipeline_env["WAREHOUSE_DIR"]) / "lake" / "raw").exists()


def test_an_html_page_where_the_api_should_be_is_named_as_such(
        pipeline_env: dict[str, str], tmp_path: Path) -> None:
    page = b"<!doctype html><html><body>Welcome to nginx!</body></html>"
    with serving(page, "text/html; charset=utf-8") as url:
        done, elapsed = _sync({**pipeline_env, "GENSAIL_BASE_URL": url}, tmp_path)
    _one_line(done, elapsed, "GENSAIL_BASE_URL", "HTML", "text/html")


def test_a_warehouse_dir_that_is_a_file_is_named(pipeline_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    occupied = tmp_path / "not-a-directory"
    occupied.write_text("")
    done, elapsed = _sync({**pipeline_env, "WAREHOUSE_DIR": str(occupied)}, tmp_path)
    _one_line(done, elapsed, f"WAREHOUSE_DIR={occupied}", "is a file")


def test_a_warehouse_dir_that_cannot_be_written_is_named(
        pipeline_env: dict[str, str], tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes through file modes; sysfs refuses new directories even to root
        target = "/sys/interview-warehouse-test"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        target = str(locked / "warehouse")
    if os.path.exists(target):
        pytest.skip(f"{target} exists on this machine")
    done, elapsed = _sync({**pipeline_env, "WAREHOUSE_DIR": target}, tmp_path)
    _one_line(done, elapsed, f"WAREHOUSE_DIR={target}", "not writable")
