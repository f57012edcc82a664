{{ config(unique_key='interview_id') }}

with

source as not materialized (

    select * from {{ lake_source('genway', 'summaries') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        interview_id,
        _tenant_id as tenant_id,
        _raw_json ->> '$.summary' as summary_text,
        {{ json_array('$.key_insights', '["VARCHAR"]') }} as key_insights,
        generated_at,
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
