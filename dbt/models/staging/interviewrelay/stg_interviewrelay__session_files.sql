{{ config(unique_key='session_id') }}

-- `_raw_json` = {"session_id": str, "files": [{"kind": "transcript" | "audio" | "pdf",
-- "expires_at": date-time}]}; the signed URLs are stripped before landing.

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'session_files') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        session_id,
        {{ json_array('$.files', '[{"kind": "VARCHAR", "expires_at": "TIMESTAMPTZ"}]') }} as files,
        _parent_version as parent_version,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- child entity: the listing fetched for the newest parent session wins
    {{ latest_version('renamed', 'session_id', 'parent_version') }}

)

select * from latest
