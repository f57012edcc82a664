{{ config(unique_key='usage_date') }}

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'billing_usage') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        try_cast(date as date) as usage_date,
        sessions,
        credits_used,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- a day's usage grows while the day is charged: the latest extraction wins
    {{ latest_version('renamed', 'usage_date') }}

)

select * from latest
