"""Configuration and credentials: skip, fail fast, and never leak a secret."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from tests.integration.ingest_support import materialize

FIRST, LAST = date(2026, 10, 20), date(2026, 11, 1)


def failure_messages(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(str(event.step_failure_data.error) for event in result.all_events
                     if event.is_step_failure)


def test_bad_token_fails_fast_naming_the_variable_not_the_secret(
        pipeline_env: dict[str, str], sims, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "gs-wrong-" + "7f3a9c" * 4
    monkeypatch.setenv("GENSAIL_API_TOKEN", secret)
    started = time.monotonic()
    result = materialize(FIRST, LAST, sources=("gensail",), raise_on_error=False)
    assert not result.success
    assert time.monotonic() - started < 20  # no retry loop on 401
    messages = failure_messages(result)
    assert "GENSAIL_API_TOKEN" in messages and "401" in messages
    assert secret not in messages
    # One refused request per asset at most: auth errors are not retried.
    stats = sims["gensail"].stats()
    assert stats["served"] == 0 and stats["requests"] <= 5


def test_half_configured_source_fails_before_any_request(
        pipeline_env: dict[str, str], sims, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERVIEWRELAY_API_KEY")
    result = materialize(FIRST, LAST, sources=("interviewrelay",), raise_on_error=False)
    assert not result.success
    assert "INTERVIEWRELAY_API_KEY is not set" in failure_messages(result)
    assert sims["interviewrelay"].stats()["requests"] == 0


def test_unconfigured_source_is_skipped_with_one_log_line(
        pipeline_env: dict[str, str], sims, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GENWAY_BASE_URL", "GENWAY_TENANTS", "GENWAY_REQUESTS_PER_MINUTE"):
        monkeypatch.delenv(name, raising=False)
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(FIRST, LAST, sources=("genway",), instance=instance)
    assert result.success
    assert result.get_asset_materialization_events() == []
    lines = [e.user_message for e in instance.all_logs(result.run_id)
             if "genway is not configured" in e.user_message]
    # One line for the source: its four entities are skipped together in the ingest step.
    assert len(lines) == 1
    assert not any(e.is_step_failure for e in result.all_events)
    assert sims["genway"].stats()["requests"] == 0


def test_no_secret_reaches_logs_parquet_or_the_event_log(
        pipeline_env: dict[str, str], sims, tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    secrets = [pair.split(":", 1)[1] for pair in pipeline_env["GENWAY_TENANTS"].split(",")]
    secrets += [pipeline_env["GENSAIL_API_TOKEN"], pipeline_env["INTERVIEWRELAY_API_KEY"]]
    assert all(len(s) >= 8 for s in secrets)
    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster_home")) as instance:
        result = materialize(FIRST, LAST, instance=instance)
        assert result.success
        events = "\n".join(repr(e) for e in instance.all_logs(result.run_id))
    captured = capfd.readouterr()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk.count(b"PAR1") > 0  # Parquet files were written and are part of the scan
    for secret in secrets:
        assert secret not in events
        assert secret not in captured.out and secret not in captured.err
        assert secret.encode() not in on_disk
