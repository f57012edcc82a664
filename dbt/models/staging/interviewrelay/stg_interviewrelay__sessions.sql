{{ config(unique_key='session_id') }}

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'sessions') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        id as session_id,
        campaign_id,

        -- personal data: only the salted hash, never the clear e-mail
        {{ hash_pii('participant_email') }} as participant_email_hash,

        -- attributes
        status,

        -- measures
        duration_minutes,

        -- timestamps (UTC)
        started_at,
        completed_at,
        updated_at,

        -- lineage
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    {{ latest_version('renamed', 'session_id', 'updated_at') }}

)

select * from latest
