with

source as (

    select * from {{ source('genway', 'transcripts') }}

),

latest as (

    -- child entity: the version fetched for the newest parent interview wins
    {{ latest_record('source', 'interview_id', '_parent_version') }}

),

renamed as (

    select
        {{ landed('interview_id', 'varchar') }} as interview_id,
        cast(_tenant_id as varchar) as tenant_id,
        {{ landed('language', 'varchar') }} as language,
        coalesce(json_array_length(_raw_json, '$.turns'), 0) as turn_count,
        try_cast(_parent_version as timestamptz) as parent_version,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
