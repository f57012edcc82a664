-- Question: what does a completed InterviewRelay session cost, month by month?
-- Credits come from the vendor's daily usage (fct_billing_usage; it charges completed
-- sessions and abandoned sessions in which something was said), completed sessions from the
-- sessions themselves, by the UTC month of completion. Months with completed sessions but no
-- usage landed yet show null credits; the latest balance is shown beside them.
with completed as (
    select
        cast(date_trunc('month', cast(timezone('UTC', ended_at) as date)) as date) as month,
        count(*) as completed_sessions
    from {{ ref('fct_conversations') }}
    where platform = 'interviewrelay' and status = 'completed' and ended_at is not null
    group by all
),

used as (
    select
        cast(date_trunc('month', usage_date) as date) as month,
        sum(sessions) as charged_sessions,
        sum(credits_used) as credits_used
    from {{ ref('fct_billing_usage') }}
    group by all
),

latest_balance as (
    select total_credits, currency, snapshot_date
    from {{ ref('fct_credit_balances') }}
    order by snapshot_date desc
    limit 1
)

select
    coalesce(completed.month, used.month) as month,
    coalesce(completed.completed_sessions, 0) as completed_sessions,
    used.charged_sessions,
    used.credits_used,
    round(used.credits_used / nullif(completed.completed_sessions, 0), 1)
        as credits_per_completed_session,
    latest_balance.total_credits as latest_total_credits,
    latest_balance.currency,
    latest_balance.snapshot_date as balance_date
from completed
full outer join used
    on completed.month = used.month
left join latest_balance
    on true
order by month
