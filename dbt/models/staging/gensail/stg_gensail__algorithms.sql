{{ config(unique_key='algorithm_id') }}

with

source as not materialized (

    select * from {{ lake_source('gensail', 'algorithms') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        id as algorithm_id,
        name as algorithm_name,
        description,
        version as algorithm_version,
        deprecated as is_deprecated,
        created_at,
        updated_at,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- snapshot entity: the latest extraction of each algorithm wins
    {{ latest_version('renamed', 'algorithm_id') }}

)

select * from latest
