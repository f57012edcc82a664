"""Settings: skipped when unset, an error naming the variable when half-set, never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import configured_sources
from resources.errors import SourceConfigError
from resources.gensail import GensailResource
from resources.interviewrelay import InterviewRelayResource
from resources.sources import SOURCES

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
