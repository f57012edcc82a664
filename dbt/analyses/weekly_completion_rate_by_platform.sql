-- Question: how does the completion rate of conversations develop per platform, week by week?
-- A conversation belongs to the ISO week (Monday, UTC) in which it started (Gensail jobs: when
-- submitted). Rate = completed / started; conversations that never started are left out.
select
    cast(date_trunc('week', cast(timezone('UTC', coalesce(started_at, created_at)) as date)) as date)
        as week_start,
    platform,
    count(*) as conversations_started,
    count(*) filter (where status = 'completed') as conversations_completed,
    round(count(*) filter (where status = 'completed') / count(*), 3) as completion_rate
from {{ ref('fct_conversations') }}
where started_at is not null or platform = 'gensail'
group by all
order by week_start, platform
