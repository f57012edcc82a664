with

source as (

    select * from {{ source('interviewrelay', 'sessions') }}

),

latest as (

    {{ latest_record('source', 'id', 'updated_at') }}

),

renamed as (

    select
        -- ids
        {{ landed('id', 'varchar') }} as session_id,
        {{ landed('campaign_id', 'varchar') }} as campaign_id,

        -- personal data: only the salted hash, never the clear e-mail
        {{ hash_pii(json_text('_raw_json', '$.participant_email')) }} as participant_email_hash,

        -- attributes
        {{ landed('status', 'varchar') }} as status,

        -- measures
        {{ landed('duration_minutes', 'double') }} as duration_minutes,

        -- timestamps (UTC)
        {{ landed('started_at', 'timestamptz') }} as started_at,
        {{ landed('completed_at', 'timestamptz') }} as completed_at,
        {{ landed('updated_at', 'timestamptz') }} as updated_at,

        -- lineage
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
