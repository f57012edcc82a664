{{ config(unique_key='project_id') }}

with

source as not materialized (

    select * from {{ lake_source('genway', 'projects') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        project_id,
        _tenant_id as tenant_id,
        name as project_name,
        type as project_type,
        status as project_status,
        created_at,
        updated_at,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- snapshot entity: the latest extraction of each project wins
    {{ latest_version('renamed', 'project_id') }}

)

select * from latest
