"""Beyond one host: `sync` processes that share nothing but a PostgreSQL database (the Dagster
instance, the request budgets, the ledger, the partitions' locks) and a lake in S3, each with
its own `TMPDIR`, `WAREHOUSE_DIR`, `DAGSTER_HOME` and local budget folder, as pods would. A
private PostgreSQL and moto's S3 server run on free loopback ports for the test; analysts
elsewhere read the warehouse published beside the lake."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.sandbox import SimulatorProcess
from resources.lake import Lake
from resources.object_lake import ObjectMirror, object_filesystem
from resources.sources import ALL_SPECS
from tests.integration.ingest_support import ROOT, TRUTH
from tests.integration.postgres import private_postgres
from tests.integration.s3 import moto_s3
from tests.integration.warehouse_support import actual_in_warehouse, expected_from_truth

FIRST, LAST = "2026-08-01", "2026-11-01"
PASSWORD, AWS_SECRET = "pg-secret-5a7c1e", "aws-secret-0d9b3f"
BUCKET = "lake-bucket"
LAKE_URL = f"s3://{BUCKET}/lake"
TIME_SCALE = 6.0
GENWAY_LIMIT = 200  # per simulated minute: 200 per 10 s, 20 a second


def _host(name: str, tmp_path: Path, shared: dict[str, str]) -> dict[str, str]:
    local = tmp_path / name
    (local / "tmp").mkdir(parents=True)
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("GENWAY_", "GENSAIL_", "INTERVIEWRELAY_"))}
    return {**inherited, **shared, "TMPDIR": str(local / "tmp"),
            "WAREHOUSE_DIR": str(local / "warehouse"), "DAGSTER_HOME": str(local / "home"),
            "RATE_LIMIT_STATE_DIR": str(local / "budgets")}


def _sync(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(Path(sys.executable).with_name("interview-warehouse")), "sync",
                             *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


@pytest.fixture
def simulators() -> Iterator[SimulatorProcess]:
    """The vendors' per-minute windows compressed to 10 s, not to the 1 s of the session's
    simulators: on 1 s windows a few milliseconds of scheduling jitter on this small machine
    decide a 429, which says nothing about sharing a budget."""
    with SimulatorProcess(seed=7, scale=0.1, now="2026-11-01T12:00:00Z",
                          time_scale=TIME_SCALE) as process:
        yield process


def test_two_hosts_share_one_budget_ledger_and_lake_and_a_third_builds_the_truth(
        simulators: SimulatorProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sims, sim_env = simulators.controls, simulators.env
    sims["genway"].faults(rate_limit_per_minute=GENWAY_LIMIT)
    with private_postgres() as trusted, moto_s3() as endpoint:
        # The servers take any password: these are only there to be looked for where they
        # must never be (logs, files, the event log).
        url = trusted.replace("postgres@", f"postgres:{PASSWORD}@", 1)
        aws = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "lake-writer",
               "AWS_SECRET_ACCESS_KEY": AWS_SECRET, "AWS_REGION": "us-east-1"}
        for name, value in aws.items():
            monkeypatch.setenv(name, value)  # this process reads the bucket too
        object_filesystem().create_dir(BUCKET)  # provisioned, as a deployment's would be
        shared = {**sim_env, **aws, "LAKE_URL": LAKE_URL, "PIPELINE_DATABASE_URL": url,
                  "DAGSTER_POSTGRES_URL": url,
                  # The budget each host is given is the vendor's whole limit: only a budget
                  # shared between the hosts keeps the two of them inside it.
                  "GENWAY_REQUESTS_PER_MINUTE": str(GENWAY_LIMIT * TIME_SCALE)}
        hosts = {name: _host(name, tmp_path, shared) for name in "abc"}
        # Both start on an empty database: they create Dagster's tables in turn.
        # The two land only; the third builds, as a fleet with one builder would.
        first = _sync(hosts["a"], "--start", FIRST, "--end", LAST, "--no-build")
        second = _sync(hosts["b"], "--start", FIRST, "--end", LAST, "--no-build")
        # One host dies mid-run (kill -9 of its process group) while both are pulling.
        deadline = time.monotonic() + 120
        while sims["genway"].stats()["requests"] < 40 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert first.poll() is None, "host a ended before it could be killed mid-run"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        out, _ = second.communicate(timeout=600)
        assert second.returncode == 0, out[-3000:]
        assert not re.search(r"deadlock|lock.{0,40}(timeout|timed out)|Traceback", out, re.I), \
            out[-3000:]
        stats = {name: control.stats() for name, control in sims.items()}
        refused, requests = (sum(s[k] for s in stats.values()) for k in ("refused", "requests"))
        assert stats["genway"]["requests"] > 40 and refused <= 0.005 * requests, stats

        # The shared lake holds every record once, whatever the dead host left behind: read
        # from the bucket into a fresh mirror, as a new host would.
        reader = ObjectMirror(LAKE_URL, tmp_path / "reader")
        reader.pull()
        lake = Lake(tmp_path, root=tmp_path / "reader")
        truths = {name: control.truth()["entities"] for name, control in sims.items()}
        for entity in TRUTH:
            spec = next(s for s in ALL_SPECS if s.name == entity)
            expected = sorted(map(str, truths[spec.source][spec.entity]["ids"]))
            assert sorted(lake.ids(spec)) == expected, entity
            if spec.partitioned:
                keys = lake.state(spec, [spec.key]).column(spec.key).to_pylist()
                assert len(keys) == len(set(keys)), f"{entity} landed twice"

        # A third host, with nothing local yet: its plain sync builds marts equal to the truth,
        # after freeing what the dead host's run held in the shared instance.
        third = hosts["c"]
        done = subprocess.run([str(Path(sys.executable).with_name("interview-warehouse")),
                               "sync"], cwd=ROOT, env=third, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        expected = expected_from_truth(sims)
        # Analysts on any other host read the build published beside the lake.
        published_file = tmp_path / "analyst" / "warehouse.duckdb"
        published_file.parent.mkdir()
        with reader.fs.open_input_stream(f"{BUCKET}/lake/published/warehouse.duckdb") as source:
            published_file.write_bytes(source.read())
        with duckdb.connect(str(published_file), read_only=True) as published:
            keys = published.execute("select conversation_key from marts.fct_conversations")
            assert {row[0] for row in keys.fetchall()} == expected["conversations"]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("WAREHOUSE_DIR", third["WAREHOUSE_DIR"])
            assert actual_in_warehouse() == expected
            patch.setenv("DAGSTER_HOME", third["DAGSTER_HOME"])
            patch.setenv("DAGSTER_POSTGRES_URL", url)
            with dg.DagsterInstance.get() as instance:
                runs = instance.get_runs()
                statuses = [r.status for r in runs]
                events = "\n".join(repr(e) for r in runs for e in instance.all_logs(r.run_id))
        # Every host's runs are in the one instance: the dead host's marked failed, not left
        # STARTED holding the warehouse pool.
        assert dg.DagsterRunStatus.STARTED not in statuses
        assert statuses.count(dg.DagsterRunStatus.SUCCESS) >= 2
        assert dg.DagsterRunStatus.FAILURE in statuses
        on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
        for secret in (PASSWORD, AWS_SECRET):
            for where in (events, out, done.stdout, done.stderr):
                assert secret not in where
            assert secret.encode() not in on_disk
