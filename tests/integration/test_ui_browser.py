"""The Dagster UI as a newcomer meets it, in a real browser: `interview-warehouse ui` (what
`python3 dev.py ui` starts), the warehouse's lineage with its inputs named by their source, a
3-day backfill of one ingestion asset launched from the Materialize dialog, one partition's row
count read on the asset page against the lake, and the warehouse rebuilt after it. Screenshots
of each step are kept in `.test-artifacts/ui/`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import dagster as dg
import httpx
import pyarrow.parquet as pq
import pytest

from tests.integration.browser import artifact, chromium
from tests.integration.ingest_support import ROOT
from tests.integration.ports import free_port

ASSET = "lake/genway__interviews"
T = TypeVar("T")


def _wait(condition: Callable[[], T], timeout: float, what: str, every: float = 2.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _runs(home: Path) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.get_runs())


def test_a_backfill_from_the_ui_lands_and_the_warehouse_rebuilds(tmp_path: Path) -> None:
    home, warehouse, port = tmp_path / "dagster_home", tmp_path / "warehouse", free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GENWAY_", "GENSAIL_", "INTERVIEWRELAY_"))}
    env |= {"DAGSTER_HOME": str(home), "WAREHOUSE_DIR": str(warehouse),
            "RATE_LIMIT_STATE_DIR": str(tmp_path / "budgets")}
    ui = subprocess.Popen([str(Path(sys.executable).with_name("interview-warehouse")), "ui",
                           "--port", str(port), "--scale", "0.2"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert ui.stdout is not None
        ready = _wait(lambda: "Dagster at" in (line := ui.stdout.readline()) and line, 240,
                      "the UI to start", every=0)
        assert base in ready
        today = datetime.now(UTC).date()
        first, last = today - timedelta(days=2), today
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            # Dagster greets a first visit with an invitation to its community: dismissed
            # whenever it shows, as a newcomer would.
            welcome = page.get_by_role("button", name="Skip")
            page.add_locator_handler(welcome, lambda button: button.click())
            page.goto(f"{base}/locations/pipelines.definitions/asset-groups/warehouse",
                      wait_until="networkidle")
            # The warehouse's inputs say their source: two sources have `transcripts`.
            for upstream in ("genway__transcripts", "interviewrelay__transcripts"):
                page.get_by_text(upstream, exact=True).first.wait_for()
            page.screenshot(path=str(artifact("ui", "1-asset-graph.png")))

            page.goto(f"{base}/assets/{ASSET}", wait_until="networkidle")
            page.get_by_role("button", name="Materialize").first.click()
            box = page.get_by_placeholder("No matching partitions")
            box.fill(f"[{first}...{last}]")
            box.press("Enter")
            page.get_by_text("3 partitions").first.wait_for()
            page.screenshot(path=str(artifact("ui", "2-materialize-dialog.png")))
            page.get_by_role("button", name="Launch backfill").click()
            page.get_by_text("Created backfill").wait_for()

            backfill = _wait(lambda: [r for r in _runs(home)
                                      if r.tags.get("dagster/backfill") and r.is_finished],
                             300, "the backfill's run")
            assert [r.status for r in backfill] == [dg.DagsterRunStatus.SUCCESS]
            assert backfill[0].tags["dagster/asset_partition_range_start"] == str(first)

            day = str(last - timedelta(days=1))
            page.goto(f"{base}/assets/{ASSET}?view=partitions&partition={day}",
                      wait_until="networkidle")
            row = page.locator("tr", has_text="dagster/row_count")
            row.wait_for()
            shown = int(row.locator("td").nth(1).inner_text().strip())
            lake_file = warehouse / "lake" / "raw" / "genway" / "interviews" / f"date={day}"
            assert shown == pq.read_metadata(lake_file / "data.parquet").num_rows
            page.screenshot(path=str(artifact("ui", "3-partition-metadata.png")))

            rebuilt = _wait(lambda: [r for r in _runs(home) if r.is_finished and r.tags.get(
                "dagster/sensor_name") == "warehouse_automation"], 300, "the warehouse rebuild")
            assert [r.status for r in rebuilt] == [dg.DagsterRunStatus.SUCCESS]
            page.goto(f"{base}/runs", wait_until="networkidle")
            page.screenshot(path=str(artifact("ui", "4-runs.png")))
        assert httpx.get(f"{base}/server_info", timeout=10).status_code == 200
    finally:
        ui.send_signal(signal.SIGINT)  # what Ctrl-C does: everything it started stops
        try:
            ui.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            pytest.fail("`interview-warehouse ui` did not stop on Ctrl-C")
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{base}/server_info", timeout=2)
