{{ config(unique_key='job_id') }}

-- The transcript is embedded in the job JSON (JobDetail) once the job reaches `analyzing`:
-- {"transcript": {"text": str, "utterances": [{"speaker", "text", "start", "end"}]}};
-- the utterances are parsed into a typed list here, unnested in int_transcript_turns_unioned.

with

source as not materialized (

    select * from {{ lake_source('gensail', 'jobs') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        id as job_id,
        parent_job_id,
        workspace_id,
        source_call_id,
        source_company_id,

        -- attributes
        status,
        skip_reason,
        analytics_only as is_analytics_only,
        _raw_json ->> '$.recording_url' as recording_url,
        {{ json_array('$.algorithm_ids', '["VARCHAR"]') }} as algorithm_ids,
        coalesce(json_type(_raw_json, '$.transcript') = 'OBJECT', false) as has_transcript,
        {{ json_array('$.transcript.utterances', '[{"speaker": "VARCHAR", "text": "VARCHAR", "start": "DOUBLE", "end": "DOUBLE"}]') }}
            as utterances,

        -- measures
        recording_duration as recording_duration_seconds,

        -- timestamps (UTC)
        created_at,
        updated_at,
        completed_at,

        -- lineage
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    {{ latest_version('renamed', 'job_id', 'updated_at') }}

)

select * from latest
