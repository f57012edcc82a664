with

source as (

    select * from {{ source('interviewrelay', 'projects') }}

),

latest as (

    -- snapshot entity: the latest extraction of each project wins
    {{ latest_record('source', 'id') }}

),

renamed as (

    select
        {{ landed('id', 'varchar') }} as project_id,
        {{ landed('name', 'varchar') }} as project_name,
        {{ landed('description', 'varchar') }} as description,
        {{ landed('created_at', 'timestamptz') }} as created_at,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
