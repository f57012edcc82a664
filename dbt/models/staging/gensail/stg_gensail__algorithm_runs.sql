{{ config(unique_key='algorithm_run_id') }}

with

source as not materialized (

    select * from {{ lake_source('gensail', 'algorithm_runs') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        id as algorithm_run_id,
        job_id,
        algorithm_id,

        -- attributes
        status,
        webhook_delivered as is_webhook_delivered,
        case
            when json_type(_raw_json, '$.result') = 'OBJECT' then json_extract(_raw_json, '$.result')
        end as result,
        _raw_json ->> '$.error.code' as error_code,
        _raw_json ->> '$.error.message' as error_message,

        -- measures
        confidence_score,

        -- timestamps (UTC)
        created_at,
        completed_at,

        -- lineage
        _parent_version as parent_version,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- child entity: the run as fetched for the newest version of its job wins
    {{ latest_version('renamed', 'algorithm_run_id', 'parent_version') }}

)

select * from latest
