with

source as (

    select * from {{ source('genway', 'interviews') }}

),

latest as (

    {{ latest_record('source', 'interview_id', 'updated_at') }}

),

renamed as (

    select
        -- ids
        {{ landed('interview_id', 'varchar') }} as interview_id,
        {{ landed('project_id', 'varchar') }} as project_id,
        cast(_tenant_id as varchar) as tenant_id,

        -- attributes
        {{ landed('status', 'varchar') }} as status,
        {{ landed('language', 'varchar') }} as language,
        {{ landed('has_audio', 'boolean') }} as has_audio,
        {{ landed('has_video', 'boolean') }} as has_video,
        json_extract(_raw_json, '$.external_metadata') as external_metadata,

        -- personal data: only salted hashes, never the clear values
        {{ hash_pii(json_text('_raw_json', '$.interviewee.name')) }} as interviewee_name_hash,
        {{ hash_pii(json_text('_raw_json', '$.interviewee.email')) }} as interviewee_email_hash,

        -- measures
        {{ landed('duration_seconds', 'bigint') }} as duration_seconds,

        -- timestamps (UTC)
        {{ landed('created_at', 'timestamptz') }} as created_at,
        {{ landed('updated_at', 'timestamptz') }} as updated_at,
        {{ landed('started_at', 'timestamptz') }} as started_at,
        {{ landed('ended_at', 'timestamptz') }} as ended_at,

        -- lineage
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
