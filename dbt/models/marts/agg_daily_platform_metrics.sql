-- One row per UTC day and platform.
--   day: the UTC date the conversation started (`started_at`); a conversation that never
--        started (scheduled, or a no-show) counts on the day it was created, and so does
--        every Gensail job, whose API gives no call start (a job is a recorded call).
--   Algorithm metrics (Gensail only) count runs by the UTC date of the run's `created_at`.

with

conversations as (

    select * from {{ ref('fct_conversations') }}

),

runs as (

    select * from {{ ref('fct_algorithm_runs') }}

),

conversation_days as (

    select
        cast(timezone('UTC', coalesce(started_at, created_at)) as date) as day,
        platform,
        count(*) filter (where started_at is not null or platform = 'gensail')
            as conversations_started,
        count(*) filter (where status = 'completed') as conversations_completed,
        median(duration_seconds) filter (where status = 'completed')
            as median_duration_seconds,
        cast(sum(turn_count) as bigint) as turns

    from conversations
    where coalesce(started_at, created_at) is not null
    group by all

),

run_days as (

    select
        cast(timezone('UTC', created_at) as date) as day,
        'gensail' as platform,
        count(*) filter (where status = 'completed') as runs_completed,
        count(*) filter (where status in ('completed', 'failed')) as runs_finished,
        avg(confidence_score) filter (where status = 'completed') as mean_confidence

    from runs
    where created_at is not null
    group by all

),

final as (

    select
        coalesce(conversation_days.day, run_days.day) as day,
        coalesce(conversation_days.platform, run_days.platform) as platform,
        coalesce(conversation_days.conversations_started, 0) as conversations_started,
        coalesce(conversation_days.conversations_completed, 0) as conversations_completed,
        conversation_days.conversations_completed
            / nullif(conversation_days.conversations_started, 0) as completion_rate,
        conversation_days.median_duration_seconds,
        coalesce(conversation_days.turns, 0) as turns,
        run_days.runs_completed / nullif(run_days.runs_finished, 0) as algorithm_success_rate,
        run_days.mean_confidence

    from conversation_days
    full outer join run_days
        on conversation_days.day = run_days.day
        and conversation_days.platform = run_days.platform

)

select * from final
