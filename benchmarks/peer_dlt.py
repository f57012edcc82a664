"""The peer: dlt's declarative `rest_api` source pulling the three APIs into local Parquet.

Runs in the benchmark's own dlt virtualenv (made by `peer_tools.dlt_python`), never the project's:

    DLT_PYTHON peer_dlt.py --conn CONN.json --out DIR [--parallel]

CONN.json: {"genway": {"base_url", "tenants": [{"tenant_id", "api_key"}]}, "gensail": {"base_url",
"token"}, "interviewrelay": {"base_url", "api_key"}}, built from the settings the simulators print.
Everything is dlt defaults (retries honouring Retry-After, round-robin extraction in one thread,
5 extract workers for deferred items) except what an ordinary user must write: base URLs, auth,
paginators, data selectors, parent-child resolution, and `response_actions` that ignore Genway's
404/409 on exports, the 404 of a deleted interview's detail (the index still lists it) and
InterviewRelay's 404 for a session with no transcript yet (the shared configuration lacked the
last two and failed on these simulators). `--parallel` sets `parallelized=True` on every child
resource. Each source is extracted on its own so its extract time can be reported; then one
normalize and one load to the `filesystem` destination in Parquet, under DIR/lake/lake/<table>/.
Prints one JSON line.

Adapted from the configuration in the team's shared peer notes (same resources and settings).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import dlt
from dlt.sources.rest_api import rest_api_source

SINGLE = {"type": "single_page"}
IGNORE_404 = [{"status_code": 404, "action": "ignore"}]
IGNORE_NOT_READY = [*IGNORE_404, {"status_code": 409, "action": "ignore"}]
Conn = dict[str, Any]


def child(name: str, table: str, path: str, parallel: bool, **extra: Any) -> dict[str, Any]:
    """A resource with one request per parent record (dlt resolves `{resources.<parent>.<f>}`)."""
    endpoint = {"path": path, "paginator": SINGLE,
                "data_selector": extra.pop("data_selector", "$")}
    endpoint.update(extra.pop("endpoint", {}))
    return {"name": name, "table_name": table, "endpoint": endpoint, "parallelized": parallel,
            **extra}


def tagger(tenant_id: str) -> Callable[[dict], dict]:
    """A one-argument map (dlt passes `meta` to a two-argument one) tagging rows with a tenant."""
    return lambda row: {**row, "tenant_id": tenant_id}


def genway(conn: Conn, parallel: bool) -> Any:
    """Per tenant: projects -> interviews per project -> detail, transcript, summary each."""
    resources: list[dict[str, Any]] = []
    for n, tenant in enumerate(conn["tenants"], 1):
        tid, p = tenant["tenant_id"], f"gw{n}_"
        auth = {"type": "api_key", "name": "X-Api-Key", "api_key": tenant["api_key"],
                "location": "header"}
        scope = {"auth": auth, "headers": {"X-Tenant-Id": tid}}
        tag = [{"map": tagger(tid)}]
        listing = f"{{resources.{p}interview_list.interview_id}}"
        not_ready = {"response_actions": IGNORE_NOT_READY, **scope}
        resources += [
            {"name": p + "projects", "table_name": "genway_projects", "processing_steps": tag,
             "endpoint": {"path": "projects", "data_selector": "data", **scope}},
            child(p + "interview_list", "genway_interview_list", "interviews", parallel,
                  selected=False, data_selector="data",
                  endpoint={"params": {"project_id": f"{{resources.{p}projects.project_id}}"},
                            **scope}),
            child(p + "interviews", "genway_interviews", f"interviews/{listing}", parallel,
                  processing_steps=tag, endpoint={"response_actions": IGNORE_404, **scope}),
            child(p + "transcripts", "genway_transcripts",
                  f"interviews/{listing}/transcript-export", parallel, processing_steps=tag,
                  endpoint=not_ready),
            child(p + "summaries", "genway_summaries", f"interviews/{listing}/summary-export",
                  parallel, processing_steps=tag, endpoint=not_ready),
        ]
    return rest_api_source({"client": {"base_url": conn["base_url"] + "/", "paginator": SINGLE},
                            "resources": resources}, name="genway")


def gensail(conn: Conn, parallel: bool) -> Any:
    pages = {"type": "page_number", "base_page": 1, "page_param": "page", "total_path": None,
             "has_more_path": "has_more", "stop_after_empty_page": True}

    def paged(name: str, key: str) -> dict[str, Any]:
        return {"name": f"gensail_{name}", "endpoint": {
            "path": name, "params": {"page_size": 200}, "paginator": pages, "data_selector": key}}

    return rest_api_source({
        "client": {"base_url": conn["base_url"] + "/api/v1/",
                   "auth": {"type": "bearer", "token": conn["token"]}, "paginator": SINGLE},
        "resources": [
            paged("jobs", "jobs"),
            child("gensail_algorithm_runs", "gensail_algorithm_runs",
                  "jobs/{resources.gensail_jobs.id}/runs", parallel, data_selector="runs"),
            {"name": "gensail_algorithms",
             "endpoint": {"path": "algorithms", "data_selector": "algorithms"}},
            paged("feedback", "feedback"),
        ]}, name="gensail")


def interviewrelay(conn: Conn, parallel: bool) -> Any:
    def listing(name: str) -> dict[str, Any]:
        return {"name": f"interviewrelay_{name}", "endpoint": {
            "path": name, "data_selector": name, "paginator": {
                "type": "offset", "limit": 100, "offset_param": "offset", "limit_param": "limit",
                "total_path": "total"}}}

    return rest_api_source({
        "client": {"base_url": conn["base_url"] + "/api/",
                   "auth": {"type": "bearer", "token": conn["api_key"]}, "paginator": SINGLE},
        "resources": [
            listing("projects"), listing("campaigns"), listing("sessions"),
            child("interviewrelay_transcripts", "interviewrelay_transcripts",
                  "session/{resources.interviewrelay_sessions.id}/transcript", parallel,
                  endpoint={"response_actions": IGNORE_404}),
        ]}, name="interviewrelay")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conn", required=True, help="base URLs and credentials (JSON file)")
    ap.add_argument("--out", required=True, help="local folder: filesystem bucket + pipelines")
    ap.add_argument("--parallel", action="store_true", help="parallelized=True on children")
    args = ap.parse_args()
    with open(args.conn) as f:
        conn = json.load(f)
    builders = {"genway": genway, "gensail": gensail, "interviewrelay": interviewrelay}
    pipeline = dlt.pipeline(
        pipeline_name="peer", pipelines_dir=f"{args.out}/pipelines", dataset_name="lake",
        destination=dlt.destinations.filesystem(bucket_url=f"file://{args.out}/lake"))
    timings = {}
    for api, build in builders.items():
        t0 = time.perf_counter()
        pipeline.extract(build(conn[api], args.parallel), loader_file_format="parquet")
        timings[f"extract_{api}"] = round(time.perf_counter() - t0, 3)
    for step in ("normalize", "load"):
        t0 = time.perf_counter()
        getattr(pipeline, step)()
        timings[step] = round(time.perf_counter() - t0, 3)
    print(json.dumps({"dlt": dlt.__version__, "parallel": args.parallel, "timings_s": timings,
                      "lake": f"{args.out}/lake/lake"}), flush=True)


if __name__ == "__main__":
    main()
