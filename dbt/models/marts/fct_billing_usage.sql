with

usage as (

    select * from {{ ref('stg_interviewrelay__billing_usage') }}

),

final as (

    select
        usage_date,
        sessions,
        credits_used,
        credits_used / nullif(sessions, 0) as credits_per_session

    from usage

)

select * from final
