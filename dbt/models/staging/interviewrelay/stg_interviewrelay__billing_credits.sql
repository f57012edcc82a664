with

source as (

    select * from {{ source('interviewrelay', 'billing_credits') }}

),

latest as (

    -- snapshot entity keyed by `updated_at` (one record per balance change): the latest
    -- extraction of each balance wins, which keeps a history of balances
    {{ latest_record('source', 'updated_at') }}

),

renamed as (

    select
        {{ landed('updated_at', 'timestamptz') }} as updated_at,
        {{ landed('currency', 'varchar') }} as currency,
        {{ landed('total_credits', 'double') }} as total_credits,
        {{ landed('starter_credits', 'double') }} as starter_credits,
        {{ landed('monthly_credits', 'double') }} as monthly_credits,
        {{ landed('topup_credits', 'double') }} as topup_credits,
        {{ json_number('_raw_json', '$.monthly_credits_amount') }} as monthly_credits_amount,
        {{ json_timestamp('_raw_json', '$.monthly_credits_reset_at') }} as monthly_credits_reset_at,
        {{ landed('needs_topup', 'boolean') }} as needs_topup,
        {{ landed('estimated_sessions_remaining', 'bigint') }} as estimated_sessions_remaining,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
