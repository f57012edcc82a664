{{ config(unique_key='snapshot_date') }}

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'billing_credits') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        -- the snapshot's UTC day: each day's snapshot replaces that day's partition
        cast(timezone('UTC', _extracted_at) as date) as snapshot_date,
        updated_at,
        currency,
        total_credits,
        starter_credits,
        monthly_credits,
        topup_credits,
        try_cast(_raw_json ->> '$.monthly_credits_amount' as double) as monthly_credits_amount,
        try_cast(_raw_json ->> '$.monthly_credits_reset_at' as timestamptz) as monthly_credits_reset_at,
        needs_topup,
        estimated_sessions_remaining,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- one balance per snapshot day: the latest extraction of the day wins
    {{ latest_version('renamed', 'snapshot_date') }}

)

select * from latest
