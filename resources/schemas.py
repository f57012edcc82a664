"""Explicit Arrow schemas of every landed entity.

Each entity lands its contract's scalar fields as typed columns, plus `_raw_json` (the record as
the API sent it, unknown fields included) and the lineage columns `_source`, `_tenant_id`
(Genway), `_parent_version` (children: the parent's `updated_at` when they were fetched),
`_extracted_at` and `_run_id`. Nested values (transcripts, results, metadata) stay in `_raw_json`
and are parsed by dbt.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

STR, INT, FLOAT, BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType


@dataclass(frozen=True)
class EntitySpec:
    source: str
    entity: str
    key: str  # the record id column
    columns: tuple[Column, ...]
    version: str | None = None  # on merge, the row with the newer version wins
    tenant: bool = False  # Genway: rows carry `_tenant_id`
    child: bool = False  # rows carry `_parent_version`

    @property
    def name(self) -> str:
        return f"{self.source}/{self.entity}"

    def schema(self) -> pa.Schema:
        fields = [pa.field(c.name, c.type) for c in self.columns]
        fields.append(pa.field("_raw_json", pa.large_string(), nullable=False))
        fields.append(pa.field("_source", STR, nullable=False))
        if self.tenant:
            fields.append(pa.field("_tenant_id", STR))
        if self.child:
            fields.append(pa.field("_parent_version", TS))
        fields += [pa.field("_extracted_at", TS, nullable=False),
                   pa.field("_run_id", STR, nullable=False)]
        return pa.schema(fields)


def cols(**types: pa.DataType) -> tuple[Column, ...]:
    return tuple(Column(name, t) for name, t in types.items())


GENWAY_PROJECTS = EntitySpec("genway", "projects", "project_id", cols(
    project_id=STR, name=STR, type=STR, status=STR, created_at=TS, updated_at=TS),
    version="updated_at", tenant=True)
GENWAY_INTERVIEWS = EntitySpec("genway", "interviews", "interview_id", cols(
    interview_id=STR, project_id=STR, status=STR, created_at=TS, updated_at=TS, started_at=TS,
    ended_at=TS, duration_seconds=INT, language=STR, has_audio=BOOL, has_video=BOOL),
    version="updated_at", tenant=True)
GENWAY_TRANSCRIPTS = EntitySpec("genway", "transcripts", "interview_id", cols(
    interview_id=STR, language=STR), version="_parent_version", tenant=True, child=True)
GENWAY_SUMMARIES = EntitySpec("genway", "summaries", "interview_id", cols(
    interview_id=STR, generated_at=TS), version="_parent_version", tenant=True, child=True)

GENSAIL_JOBS = EntitySpec("gensail", "jobs", "id", cols(
    id=INT, parent_job_id=INT, workspace_id=STR, source_call_id=STR, source_company_id=STR,
    status=STR, skip_reason=STR, recording_duration=FLOAT, analytics_only=BOOL, created_at=TS,
    updated_at=TS, completed_at=TS), version="updated_at")
GENSAIL_ALGORITHM_RUNS = EntitySpec("gensail", "algorithm_runs", "id", cols(
    id=INT, job_id=INT, algorithm_id=STR, status=STR, confidence_score=FLOAT,
    webhook_delivered=BOOL, created_at=TS, completed_at=TS),
    version="_parent_version", child=True)
GENSAIL_ALGORITHMS = EntitySpec("gensail", "algorithms", "id", cols(
    id=STR, name=STR, description=STR, version=INT, deprecated=BOOL, created_at=TS,
    updated_at=TS), version="updated_at")
GENSAIL_FEEDBACK = EntitySpec("gensail", "feedback", "id", cols(
    id=INT, algorithm_run_id=INT, algorithm_id=STR, job_id=INT, field=STR, created_at=TS))
GENSAIL_ALGORITHM_STATS = EntitySpec("gensail", "algorithm_stats", "algorithm_id", cols(
    algorithm_id=STR, total_runs=INT, runs_with_feedback=INT, corrections=INT, accuracy=FLOAT))

INTERVIEWRELAY_PROJECTS = EntitySpec("interviewrelay", "projects", "id", cols(
    id=STR, name=STR, description=STR, created_at=TS))
INTERVIEWRELAY_CAMPAIGNS = EntitySpec("interviewrelay", "campaigns", "id", cols(
    id=STR, name=STR, script_id=STR, project_id=STR, status=STR, invite_valid_hours=FLOAT,
    invites_sent=INT, completed=INT, created_at=TS))
INTERVIEWRELAY_SESSIONS = EntitySpec("interviewrelay", "sessions", "id", cols(
    id=STR, campaign_id=STR, participant_email=STR, status=STR, duration_minutes=FLOAT,
    started_at=TS, completed_at=TS, updated_at=TS), version="updated_at")
INTERVIEWRELAY_TRANSCRIPTS = EntitySpec("interviewrelay", "transcripts", "session_id", cols(
    session_id=STR, started_at=TS, completed_at=TS), version="_parent_version", child=True)
INTERVIEWRELAY_BILLING_CREDITS = EntitySpec("interviewrelay", "billing_credits", "updated_at", cols(
    updated_at=TS, total_credits=FLOAT, starter_credits=FLOAT, monthly_credits=FLOAT,
    topup_credits=FLOAT, currency=STR, needs_topup=BOOL, estimated_sessions_remaining=INT))

ALL_SPECS = (
    GENWAY_PROJECTS, GENWAY_INTERVIEWS, GENWAY_TRANSCRIPTS, GENWAY_SUMMARIES,
    GENSAIL_JOBS, GENSAIL_ALGORITHM_RUNS, GENSAIL_ALGORITHMS, GENSAIL_FEEDBACK,
    GENSAIL_ALGORITHM_STATS,
    INTERVIEWRELAY_PROJECTS, INTERVIEWRELAY_CAMPAIGNS, INTERVIEWRELAY_SESSIONS,
    INTERVIEWRELAY_TRANSCRIPTS, INTERVIEWRELAY_BILLING_CREDITS,
)
