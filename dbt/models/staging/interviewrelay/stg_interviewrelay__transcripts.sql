with

source as (

    select * from {{ source('interviewrelay', 'transcripts') }}

),

latest as (

    -- child entity: the version fetched for the newest parent session wins
    {{ latest_record('source', 'session_id', '_parent_version') }}

),

renamed as (

    select
        {{ landed('session_id', 'varchar') }} as session_id,
        {{ landed('started_at', 'timestamptz') }} as started_at,
        {{ landed('completed_at', 'timestamptz') }} as completed_at,
        coalesce(json_array_length(_raw_json, '$.messages'), 0) as message_count,
        coalesce(json_array_length(_raw_json, '$.turns'), 0) as turn_count,
        try_cast(_parent_version as timestamptz) as parent_version,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
