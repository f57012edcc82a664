with

source as (

    select * from {{ source('gensail', 'algorithms') }}

),

latest as (

    -- snapshot entity: the latest extraction of each algorithm wins
    {{ latest_record('source', 'id') }}

),

renamed as (

    select
        {{ landed('id', 'varchar') }} as algorithm_id,
        {{ landed('name', 'varchar') }} as algorithm_name,
        {{ landed('description', 'varchar') }} as description,
        {{ landed('version', 'bigint') }} as algorithm_version,
        {{ landed('deprecated', 'boolean') }} as is_deprecated,
        {{ landed('created_at', 'timestamptz') }} as created_at,
        {{ landed('updated_at', 'timestamptz') }} as updated_at,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
