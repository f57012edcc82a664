{{ config(unique_key='algorithm_id') }}

with

source as not materialized (

    select * from {{ lake_source('gensail', 'algorithm_stats') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        algorithm_id,
        total_runs,
        runs_with_feedback,
        corrections,
        accuracy,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- snapshot entity: the latest extraction per algorithm wins
    {{ latest_version('renamed', 'algorithm_id') }}

)

select * from latest
