-- One row per platform, always all three (zeros for a platform with nothing landed): what
-- the warehouse holds, for the orchestrator's `platform_summary` asset and for analysts.

with

platforms as (

    select platform from (values ('genway'), ('gensail'), ('interviewrelay')) as p (platform)

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

turns as (

    select * from {{ ref('fct_transcript_turns') }}

),

runs as (

    select * from {{ ref('fct_algorithm_runs') }}

),

conversation_counts as (

    select
        platform,
        count(*) as conversations,
        count(*) filter (where status = 'completed') as completed_conversations

    from conversations
    group by platform

),

turn_counts as (

    select
        platform,
        count(*) as transcript_turns

    from turns
    group by platform

),

run_counts as (

    -- algorithm runs exist on Gensail only
    select
        'gensail' as platform,
        count(*) as algorithm_runs

    from runs

),

final as (

    select
        platforms.platform,
        coalesce(conversation_counts.conversations, 0) as conversations,
        coalesce(conversation_counts.completed_conversations, 0) as completed_conversations,
        coalesce(turn_counts.transcript_turns, 0) as transcript_turns,
        coalesce(run_counts.algorithm_runs, 0) as algorithm_runs

    from platforms
    left join conversation_counts
        on platforms.platform = conversation_counts.platform
    left join turn_counts
        on platforms.platform = turn_counts.platform
    left join run_counts
        on platforms.platform = run_counts.platform

)

select * from final
