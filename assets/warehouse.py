"""The warehouse: the dbt project in `dbt/`, built on DuckDB after ingestion.

Each dbt source is the ingestion asset that lands it (the sources' `meta.dagster.asset_key`), so
the asset graph runs from API to mart in one lineage; dbt tests are asset checks. The build writes
a private copy of `WAREHOUSE_DIR/warehouse.duckdb` and swaps it in only when every model and test
passed (see `resources/warehouse.py`): analysts never see a half-built or failing build.
"""

import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

from resources.build_state import BuildState, lake_fingerprints, project_fingerprint
from resources.dbt import WORKING_DIR, WarehouseDbt
from resources.lake import Lake
from resources.quarantine import locate, verify
from resources.warehouse import WAREHOUSE_FILE, LakeResource

DBT_DIR = Path(__file__).resolve().parent.parent / "dbt"
DBT_PROJECT = DbtProject(project_dir=DBT_DIR)
# The dbt installed beside this interpreter, so a venv works without being activated.
_BESIDE = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_BESIDE) if _BESIDE.exists() else "dbt"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """dbt reads its paths from the environment (profiles.yml and sources use `env_var`)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# The paths dbt sees: relative to the build's folder (`_build_folder`), where the build's copy of
# the warehouse is `warehouse.duckdb` and `lake` links to the lake. They are the same for every
# warehouse, host and build, so the partial-parse state that `prepare_manifest` leaves in
# `dbt/target` holds for the first build of a new warehouse too: a changed path (the profile's,
# or an `env_var` in a source) makes dbt parse the whole project again, 2.5 s of CPU.
DBT_PATHS = {"WAREHOUSE_DIR": ".", "LAKE_DIR": "lake", "DBT_DUCKDB_PATH": WAREHOUSE_FILE}
DBT_LAKE_RAW = f"{DBT_PATHS['LAKE_DIR']}/raw"


def dbt_cli() -> WarehouseDbt:
    return WarehouseDbt(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def prepare_manifest() -> None:
    """`dbt parse` into `dbt/target/manifest.json`, which `@dbt_assets` reads at import."""
    with _environment(**DBT_PATHS):
        dbt_cli().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()


def manifest_is_stale() -> bool:
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for folder in ("models", "macros", "analyses", "tests")
               for p in (DBT_DIR / folder).rglob("*") if p.is_file()]
    sources += [DBT_DIR / "dbt_project.yml", DBT_DIR / "profiles.yml"]
    return any(p.stat().st_mtime > built for p in sources)


# `dev.py` imports this module after installing, so a fresh clone or an edited model is parsed
# before anything loads the definitions; tests and `dagster dev` get the same guarantee.
if manifest_is_stale():
    prepare_manifest()

# One dbt build at a time per Dagster instance (`concurrency.pools` in dagster.yaml).
WAREHOUSE_POOL = "warehouse_build"


class WarehouseTranslator(DagsterDbtTranslator):
    """Models are `warehouse/<schema>/<model>`, in group `warehouse`; sources keep the asset key
    of the ingestion asset named in their meta."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("schema") or "main"
        return dg.AssetKey(["warehouse", schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]
                                 ) -> dg.AutomationCondition | None:
        return WAREHOUSE_AUTOMATION


# Rebuild after ingestion that ran without the warehouse (a UI backfill of the ingestion assets,
# say), once that backfill is done. Daily-partitioned parents always have missing days before
# the first landed one, so "a dependency is missing" must not block it.
WAREHOUSE_AUTOMATION = dg.AutomationCondition.eager().without(
    ~dg.AutomationCondition.any_deps_missing())


FULL_REFRESH_TAG = "interview_warehouse/full_refresh"
MAX_QUARANTINE_RETRIES = 3


class _Unreadable(Exception):
    def __init__(self, files: list[Path]) -> None:
        super().__init__(", ".join(map(str, files)))
        self.files = files


def _lake_files_named(text: str, lake: Lake) -> list[Path]:
    """The lake files a dbt error names, by their path or as dbt saw them (`lake/raw/...`)."""
    prefixes = "|".join(re.escape(prefix) for prefix in (str(lake.raw), DBT_LAKE_RAW))
    named = {lake.raw / found for found in
             re.findall(rf"(?:{prefixes})/([^\s'\"]+?\.parquet)", text)}
    return sorted(path for path in named if path.exists())


@dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT,
            dagster_dbt_translator=WarehouseTranslator(), pool=WAREHOUSE_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                     lake: LakeResource) -> Iterator[Any]:
    """`dbt build` of the selected models into a private copy of the warehouse, swapped in
    atomically when every model and test passed. Results are reported after the swap, so a
    materialization in the UI always means 'readers can query this now'. Staging models are
    incremental; a build that would read exactly what the last one read is skipped; a changed
    model rebuilds from the whole lake. A lake file that cannot be read is quarantined (and its
    partition fetched again by the next run) instead of failing the build of every source."""
    store, state = lake.lake(), BuildState.load(lake.root)
    for bad in verify(store, state.verified):
        context.log.warning(f"quarantined unreadable lake file: {bad}")
    state.save()
    store.ensure_schema_files()
    landed, project = lake_fingerprints(store), project_fingerprint(
        get_manifest_and_translator_from_dbt_assets([warehouse_models])[0])
    changed = state.changed(landed)
    whole = context.selected_asset_keys >= set(warehouse_models.keys)
    rebuild = bool(context.run.tags.get(FULL_REFRESH_TAG)) or project != state.project or \
        not lake.warehouse_files().path.exists()
    if not changed and not rebuild:
        context.log.info("the warehouse is current: nothing landed since its last build and no "
                         "model changed; nothing to build")
        return
    # Unit tests are the test suite's. No JSON artifacts: dagster-dbt reports from dbt's events,
    # and serializing the whole manifest again after every build cost up to a second of CPU.
    base = ["build", "--exclude-resource-type", "unit_test", "--no-write-json"]
    if rebuild and not whole:
        # A subset cannot be built alone into a warehouse that is new or shaped by other model
        # code: the whole project first, from the whole lake, then the subset over it.
        context.log.info("building the whole warehouse first: it is new, or a model changed")
        _quarantining(context, store, lambda: _build(None, dbt, lake, store,
                                                     [*base, "--full-refresh"]))
        state.lake, state.project = landed, project
        state.save()
        rebuild = False
    context.log.info(f"building the warehouse{' from the whole lake' if rebuild else ''}: "
                     f"{len(changed)} entities changed since the last build")
    events, clean = _quarantining(context, store, lambda: _build(
        context, dbt, lake, store, [*base, *(["--full-refresh"] if rebuild else [])]))
    if whole and clean:  # a subset build leaves other models as they were: not 'current'
        state.lake, state.project = landed, project
        state.save()
    yield from events


def _quarantining(context: dg.AssetExecutionContext, store: Lake,
                  build: Callable[[], list[Any]]) -> tuple[list[Any], bool]:
    """`build()`, again without each lake file dbt could not read (moved to quarantine).
    Returns its events, and whether the lake stayed as it was read."""
    for attempt in range(MAX_QUARANTINE_RETRIES + 1):
        try:
            return build(), attempt == 0
        except _Unreadable as exc:
            if attempt == MAX_QUARANTINE_RETRIES:
                raise
            for path in exc.files:
                found = locate(store, path)
                if found is not None:
                    bad = store.quarantine(*found, path, RuntimeError("unreadable in dbt build"))
                    context.log.warning(f"quarantined unreadable lake file: {bad}; building again")
    raise AssertionError("unreachable")


def _build(context: dg.AssetExecutionContext | None, dbt: DbtCliResource, lake: LakeResource,
           store: Lake, args: list[str]) -> list[Any]:
    """One `dbt build` into a copy of the warehouse, swapped in if it passed; with a context,
    its Dagster events (reported by the caller after the swap)."""
    files = lake.warehouse_files()
    with files.build() as build_path, _environment(
            **DBT_PATHS, **{WORKING_DIR: str(_build_folder(build_path, lake.lake_root))}):
        # One target folder per warehouse, reused: dbt then parses only what changed.
        invocation = dbt.cli(args, context=context, raise_on_error=False,
                             target_path=lake.root / "state" / "dbt-target")
        events = list(invocation.stream()) if context is not None else []
        if context is None:
            invocation.wait()
        if not invocation.is_successful():
            error = invocation.get_error()
            unreadable = _lake_files_named(str(error), store)
            if unreadable:
                raise _Unreadable(unreadable)
            raise error or RuntimeError("dbt build failed")
    return events


def _build_folder(build_path: Path, lake_root: Path) -> Path:
    """The folder dbt's paths (`DBT_PATHS`) resolve in: the build's copy, and the lake's link."""
    folder, link, target = build_path.parent, build_path.parent / DBT_PATHS["LAKE_DIR"], \
        lake_root.resolve()
    if not (link.is_symlink() and link.readlink() == target):
        link.unlink(missing_ok=True)
        link.symlink_to(target, target_is_directory=True)
    return folder


ASSETS = [warehouse_models]
