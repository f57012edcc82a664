with

balances as (

    select * from {{ ref('stg_interviewrelay__billing_credits') }}

),

final as (

    select
        snapshot_date,
        updated_at,
        currency,
        total_credits,
        starter_credits,
        monthly_credits,
        topup_credits,
        monthly_credits_amount,
        monthly_credits_reset_at,
        needs_topup,
        estimated_sessions_remaining,
        extracted_at as snapshot_taken_at

    from balances

)

select * from final
