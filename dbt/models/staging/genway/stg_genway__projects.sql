with

source as (

    select * from {{ source('genway', 'projects') }}

),

latest as (

    -- snapshot entity: the latest extraction of each project wins
    {{ latest_record('source', 'project_id') }}

),

renamed as (

    select
        {{ landed('project_id', 'varchar') }} as project_id,
        cast(_tenant_id as varchar) as tenant_id,
        {{ landed('name', 'varchar') }} as project_name,
        {{ landed('type', 'varchar') }} as project_type,
        {{ landed('status', 'varchar') }} as project_status,
        {{ landed('created_at', 'timestamptz') }} as created_at,
        {{ landed('updated_at', 'timestamptz') }} as updated_at,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
