{{ config(unique_key='interview_id') }}

-- The turns live only in the raw JSON:
-- {"turns": [{"index": int, "speaker": str, "text": str, "start_seconds": float,
--             "end_seconds": float}]}; parsed into a typed list here, unnested in
-- int_transcript_turns_unioned.

with

source as not materialized (

    select * from {{ lake_source('genway', 'transcripts') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        interview_id,
        _tenant_id as tenant_id,
        language,
        {{ json_array('$.turns', '[{"index": "BIGINT", "speaker": "VARCHAR", "text": "VARCHAR", "start_seconds": "DOUBLE", "end_seconds": "DOUBLE"}]') }}
            as turns,
        _parent_version as parent_version,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- child entity: the version fetched for the newest parent interview wins
    {{ latest_version('renamed', 'interview_id', 'parent_version') }}

)

select * from latest
