"""Settings: skipped when unset, an error naming the variable when half-set, never a secret."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from pipelines.settings import check_shared_state, configured_sources
from resources.errors import SourceConfigError
from resources.gensail import GensailResource
from resources.interviewrelay import InterviewRelayResource
from resources.sources import SOURCES
from resources.warehouse import lake_path

ROOT = Path(__file__).resolve().parents[2]


def test_a_source_with_no_credentials_is_not_configured() -> None:
    assert not GensailResource(base_url="https://x.test", requests_per_minute="10").is_configured()
    assert GensailResource(api_token="t").is_configured()


def test_a_half_configured_source_names_the_missing_variable() -> None:
    resource = InterviewRelayResource(base_url="https://relay.test")
    assert resource.is_configured()
    with pytest.raises(SourceConfigError, match="INTERVIEWRELAY_API_KEY is not set"), \
            resource.open():
        pass


def test_a_rate_that_is_not_a_number_names_its_variable() -> None:
    with pytest.raises(SourceConfigError, match="GENSAIL_REQUESTS_PER_MINUTE must be a number"):
        GensailResource(api_token="t", requests_per_minute="fast").rate()


def test_the_env_example_copied_as_it_is_configures_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for source in SOURCES.values():
        for setting in source.settings:
            monkeypatch.delenv(setting.variable, raising=False)
    for line in (ROOT / ".env.example").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            monkeypatch.setenv(name.strip(), value.split("#")[0].strip())
    assert configured_sources() == []


def test_the_lake_defaults_to_the_warehouse_and_takes_a_path_or_file_url(tmp_path: Path) -> None:
    assert lake_path(None, tmp_path) == tmp_path.resolve() / "lake"
    assert lake_path(f"file://{tmp_path}/shared", "ignored") == tmp_path / "shared"
    assert lake_path(str(tmp_path / "mounted"), "ignored") == tmp_path / "mounted"
    # A lake in object storage is mirrored where the local lake would be.
    assert lake_path("s3://bucket/lake", tmp_path) == tmp_path.resolve() / "lake"
    with pytest.raises(ValueError, match="LAKE_URL: ftp:// is not a lake"):
        lake_path("ftp://host/lake", tmp_path)


def test_shared_state_settings_are_checked_naming_the_variable_never_the_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    password = "hunter2-not-shown"
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("LAKE_URL", "ftp://host/lake")
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", f"postgresql://u:{password}@127.0.0.1:{port}/db")
    monkeypatch.setenv("PIPELINE_DATABASE_URL", f"postgresql://u:{password}@127.0.0.1:{port}/db")
    problems = check_shared_state()
    assert [p.split(":")[0].split(" ")[0] for p in problems] == [
        "LAKE_URL", "DAGSTER_POSTGRES_URL", "PIPELINE_DATABASE_URL"]
    assert "cannot connect" in problems[2] and str(port) in problems[2]
    assert all(password not in problem for problem in problems)
