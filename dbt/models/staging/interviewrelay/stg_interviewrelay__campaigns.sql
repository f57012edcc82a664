with

source as (

    select * from {{ source('interviewrelay', 'campaigns') }}

),

latest as (

    -- snapshot entity: the latest extraction of each campaign wins
    {{ latest_record('source', 'id') }}

),

renamed as (

    select
        -- ids
        {{ landed('id', 'varchar') }} as campaign_id,
        {{ landed('project_id', 'varchar') }} as project_id,
        {{ landed('script_id', 'varchar') }} as script_id,

        -- attributes
        {{ landed('name', 'varchar') }} as campaign_name,
        {{ landed('status', 'varchar') }} as status,

        -- measures (as reported by the vendor in the campaign listing)
        {{ landed('invite_valid_hours', 'double') }} as invite_valid_hours,
        {{ landed('invites_sent', 'bigint') }} as invites_sent,
        {{ landed('completed', 'bigint') }} as completed_sessions,

        -- timestamps (UTC)
        {{ landed('created_at', 'timestamptz') }} as created_at,

        -- lineage
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
