{{ config(unique_key='feedback_id') }}

with

source as not materialized (

    select * from {{ lake_source('gensail', 'feedback') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- ids
        id as feedback_id,
        algorithm_run_id,
        algorithm_id,
        job_id,

        -- attributes
        field,
        json_extract(_raw_json, '$.original_value') as original_value,
        json_extract(_raw_json, '$.corrected_value') as corrected_value,
        _raw_json ->> '$.comment' as comment,

        -- timestamps (UTC)
        created_at,

        -- lineage
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- append-only entity: the latest extraction of each feedback wins
    {{ latest_version('renamed', 'feedback_id') }}

)

select * from latest
