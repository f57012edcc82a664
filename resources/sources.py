"""The registry of sources: what the pipeline knows about each vendor API, in one place.

The Dagster resources, the ingestion assets, the sync selection, the demo and the README's
configuration table all derive from `SOURCES`. Adding a source: a resources module (entity
specs, client, `SourceResource` subclass), an entry here, an assets module with one function per
entity, a dbt staging folder and a simulator package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from resources import gensail, genway, interviewrelay
from resources.config import Setting, SourceResource
from resources.schemas import EntitySpec


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    resource: type[SourceResource]
    entities: tuple[EntitySpec, ...]

    @property
    def settings(self) -> tuple[Setting, ...]:
        return self.resource.settings

    def entity(self, name: str) -> EntitySpec:
        return next(spec for spec in self.entities if spec.entity == name)

    def from_environment(self) -> SourceResource:
        """The resource with its settings' values themselves, for use outside a Dagster run
        (the settings check before a sync)."""
        return self.resource(**{s.field: os.environ.get(s.variable) or None
                                for s in self.settings},
                             database_url=os.environ.get("PIPELINE_DATABASE_URL") or None)


SOURCES: dict[str, Source] = {source.name: source for source in (
    Source("genway", "Genway", genway.GenwayResource, genway.ENTITIES),
    Source("gensail", "Gensail Analytics", gensail.GensailResource, gensail.ENTITIES),
    Source("interviewrelay", "InterviewRelay", interviewrelay.InterviewRelayResource,
           interviewrelay.ENTITIES),
)}

ALL_SPECS: tuple[EntitySpec, ...] = tuple(
    spec for source in SOURCES.values() for spec in source.entities)
