{{ config(unique_key='campaign_id') }}

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'campaigns') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        id as campaign_id,
        project_id,
        script_id,

        -- attributes
        name as campaign_name,
        status,

        -- measures (as reported by the vendor in the campaign listing)
        invite_valid_hours,
        invites_sent,
        completed as completed_sessions,

        -- the campaign detail's `stats` object (not typed in the lake; null in snapshots
        -- taken before it was landed)
        try_cast(_raw_json ->> '$.stats.invites_sent' as bigint) as stats_invites_sent,
        try_cast(_raw_json ->> '$.stats.started' as bigint) as stats_started,
        try_cast(_raw_json ->> '$.stats.completed' as bigint) as stats_completed,
        try_cast(_raw_json ->> '$.stats.completion_rate' as double) as stats_completion_rate,

        -- timestamps (UTC)
        created_at,

        -- lineage
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- snapshot entity: the latest extraction of each campaign wins
    {{ latest_version('renamed', 'campaign_id') }}

)

select * from latest
