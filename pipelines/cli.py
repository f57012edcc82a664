"""`interview-warehouse`: simulate, sync, demo."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from datetime import date
from pathlib import Path

from resources.sources import SOURCES


def _sources(value: str) -> list[str]:
    sources = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(SOURCES)}")
    return sources


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["simulate"]:
        # The simulators are their own program; the pipeline reaches them only over HTTP.
        os.execv(sys.executable, [sys.executable, "-m", "simulators", *argv[1:]])
    parser = argparse.ArgumentParser(prog="interview-warehouse")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("simulate", help="serve the three API simulators (see --help there)")
    sync = commands.add_parser("sync", help="land the configured sources (like the schedule)")
    sync.add_argument("--start", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
    sync.add_argument("--end", type=date.fromisoformat, help="last day (default: today)")
    sync.add_argument("--sources", type=_sources, help="comma-separated, default: configured")
    sync.add_argument("--full-refresh", action="store_true",
                      help="rebuild every warehouse model from the whole lake")
    sync.add_argument("--no-build", action="store_true",
                      help="land only; the warehouse is built by another sync (say, one host "
                           "of several)")
    commands.add_parser("analyses", help="run the saved analyst questions (dbt/analyses)")
    commands.add_parser("report", help="write WAREHOUSE_DIR/report/index.html from the marts")
    query = commands.add_parser("query", help="run SQL against the warehouse, read-only")
    query.add_argument("sql", help="e.g. \"from marts.fct_conversations limit 5\"")
    ui = commands.add_parser("ui", help="the Dagster UI on the demo's instance, with the "
                             "simulators (or the configured APIs) behind it")
    ui.add_argument("--port", type=int, default=3000)
    ui.add_argument("--scale", type=float, default=1.0)
    ui.add_argument("--seed", type=int, default=1)
    demo = commands.add_parser("demo", help="simulators + full sync + summary, no setup")
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "sync":
        # Settings first, before the code location's imports: a wrong one fails in seconds.
        from pipelines.settings import check_settings, configured_sources

        sources = args.sources or configured_sources()
        problems = check_settings(sources) if sources else [
            "no source is configured; set the GENWAY_*, GENSAIL_* or INTERVIEWRELAY_* "
            "variables (see README), or run the demo"]
        if not problems:
            from pipelines.report import print_sync
            from pipelines.sync import SettingsError, run_sync

            try:
                outcome = run_sync(args.start, args.end, sources,
                                   full_refresh=args.full_refresh, check=False,
                                   build=not args.no_build)
            except SettingsError as exc:
                problems = exc.problems
        for problem in problems:
            print(f"sync: {problem}", file=sys.stderr)
        if problems:
            sys.exit(2)
        print_sync(outcome)
        sys.exit(0 if outcome.success else 1)
    if args.command == "analyses":
        from pipelines.analyses import print_answers, run_analyses
        from pipelines.settings import warehouse_dir

        print_answers(run_analyses(Path(warehouse_dir())))
    if args.command == "report":
        from pipelines.settings import warehouse_dir
        from resources.report import build_report

        path, counts = build_report(warehouse_dir())
        print(f"report: {path} ({', '.join(f'{k} {n}' for k, n in counts.items())} points)")
    if args.command == "query":
        from pipelines.analyses import print_query
        from pipelines.settings import warehouse_dir

        print_query(Path(warehouse_dir()), args.sql)
    if args.command == "ui":
        from pipelines.ui import run_ui

        sys.exit(run_ui(port=args.port, scale=args.scale, seed=args.seed))
    if args.command == "demo":
        from pipelines.demo import run_demo

        sys.exit(run_demo(scale=args.scale, seed=args.seed))


def run() -> None:
    """The console script: `main`, then the exit handlers, and the process ends there. Python's
    own teardown would then free every object one by one (1.5 s after a sync, for memory the
    operating system takes back at once); nothing is left to write by then."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
