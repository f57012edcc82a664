{{ config(unique_key='interview_id') }}

with

source as not materialized (

    select * from {{ lake_source('genway', 'interviews') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        interview_id,
        project_id,
        _tenant_id as tenant_id,

        -- attributes
        status,
        language,
        has_audio,
        has_video,
        json_extract(_raw_json, '$.external_metadata') as external_metadata,

        -- personal data: only salted hashes, never the clear values
        {{ hash_pii("_raw_json ->> '$.interviewee.name'") }} as interviewee_name_hash,
        {{ hash_pii("_raw_json ->> '$.interviewee.email'") }} as interviewee_email_hash,

        -- measures
        duration_seconds,

        -- timestamps (UTC)
        created_at,
        updated_at,
        started_at,
        ended_at,

        -- lineage
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    {{ latest_version('renamed', 'interview_id', 'updated_at') }}

)

select * from latest
