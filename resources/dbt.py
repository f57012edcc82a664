"""The dbt resource: dagster-dbt's `DbtCliResource`, with dbt run inside the Dagster process.

The stock resource starts a second Python for every dbt command (about 270 MB and 3 s of imports,
while the Dagster process, which already imported dbt-core through dagster-dbt, waits), runs
`dbt --version` in a third one first (4 s: it asks PyPI for the latest release), and opens a dbt
adapter in the Dagster process that only `fetch_row_counts()` and `fetch_column_metadata()` use.
Here the command runs through dbt's programmatic entry point (`dbtRunner`) in the calling
thread, its events are the JSON lines the CLI would print, and dagster-dbt turns them into
materializations and check results exactly as it does for a subprocess: selection, subsetting,
partial parsing, error reporting and the `dbt.log` in the target path are dagster-dbt's own.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from types import SimpleNamespace
from typing import Any
from unittest import mock

from dagster_dbt import DbtCliResource
from dagster_dbt.core import dbt_cli_invocation
from packaging import version

_QUIET_LEVELS = {"debug"}  # the CLI prints info and above on stdout; so does this
# The folder the command's relative paths resolve in, when the environment names one (dbt finds
# its project through DBT_PROJECT_DIR, which dagster-dbt sets).
WORKING_DIR = "INTERVIEW_WAREHOUSE_DBT_WORKING_DIR"


class InProcessDbt:
    """What `DbtCliInvocation` needs of a `subprocess.Popen`: `args`, `stdout` (the JSON lines),
    `returncode`, `wait()`; the command has run by the time it is constructed."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], cwd: Any = None,
                 **_: Any) -> None:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_json

        self.args = list(args)
        lines: list[bytes] = []

        def collect(message: Any) -> None:
            if message.info.level not in _QUIET_LEVELS:
                lines.append(msg_to_json(message).encode())

        # dbt's debug log file formats every event of the build, a quarter of its CPU: only
        # warnings and errors are written there unless DBT_LOG_LEVEL_FILE says otherwise
        # (every info event is in the sync's log anyway).
        with _replaced_environment({"DBT_LOG_LEVEL_FILE": "warn", **env}), \
                _directory(env.get(WORKING_DIR) or cwd):
            # --quiet: dagster-dbt writes every event to the log itself; without it dbt would
            # print them a second time.
            result = dbtRunner(callbacks=[collect]).invoke([*self.args[1:], "--quiet"])
        _close_duckdb()
        self.returncode = 0 if result.success else (2 if result.exception else 1)
        if result.exception is not None:
            lines.append(_error_line(result.exception))
        self.stdout = io.BytesIO(b"\n".join(lines))

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode

    def send_signal(self, signal: int) -> None:  # it has already ended
        return None


def _close_duckdb() -> None:
    """dbt-duckdb keeps its database open in a class attribute after the command: closed here,
    or the process could not open the built warehouse (nor could any other) while it lives."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def _error_line(exc: BaseException) -> bytes:
    import orjson

    return orjson.dumps({"info": {"level": "error", "name": "InProcessError",
                                  "msg": f"{type(exc).__name__}: {exc}"}, "data": {}})


@contextlib.contextmanager
def _replaced_environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _directory(path: Any) -> Iterator[None]:
    before = os.getcwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class WarehouseDbt(DbtCliResource):
    """`DbtCliResource` whose commands run in this process (dbt-core beside this interpreter)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        return None

    def cli(self, args: Sequence[str], **kwargs: Any) -> Any:
        with mock.patch.object(dbt_cli_invocation, "subprocess",
                               SimpleNamespace(Popen=InProcessDbt, PIPE=-1, STDOUT=-2)):
            return super().cli(args, **kwargs)
