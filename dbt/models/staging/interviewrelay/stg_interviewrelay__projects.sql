{{ config(unique_key='project_id') }}

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'projects') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        id as project_id,
        name as project_name,
        description,
        created_at,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- snapshot entity: the latest extraction of each project wins
    {{ latest_version('renamed', 'project_id') }}

)

select * from latest
