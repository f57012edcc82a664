-- Question: how does sentiment develop per platform, week by week?
-- Two platforms measure sentiment, at different grains, so each row says what it counts:
--   interviewrelay: the participant's transcript turns (`turns[].sentiment`);
--   gensail:        calls, by the `call_sentiment` of completed sentiment runs.
-- Genway gives no sentiment. A row belongs to the ISO week (Monday, UTC) in which its
-- conversation started (Gensail calls: when submitted).
with interviewrelay as (
    select
        turns.conversation_key,
        'interviewrelay' as platform,
        'participant turns' as measured_on,
        turns.sentiment
    from {{ ref('fct_transcript_turns') }} as turns
    where turns.platform = 'interviewrelay'
        and turns.speaker_role = 'participant'
        and turns.sentiment is not null
),

gensail as (
    select
        runs.conversation_key,
        'gensail' as platform,
        'calls' as measured_on,
        lower(trim(runs.call_sentiment)) as sentiment
    from {{ ref('fct_algorithm_runs') }} as runs
    where runs.status = 'completed' and runs.call_sentiment is not null
),

rated as (
    select * from interviewrelay
    union all
    select * from gensail
)

select
    cast(date_trunc('week', cast(timezone('UTC', coalesce(conversations.started_at,
        conversations.created_at)) as date)) as date) as week_start,
    rated.platform,
    rated.measured_on,
    count(*) as rated,
    count(*) filter (where rated.sentiment = 'positive') as positive,
    count(*) filter (where rated.sentiment = 'neutral') as neutral,
    count(*) filter (where rated.sentiment = 'negative') as negative,
    round(count(*) filter (where rated.sentiment = 'positive') / count(*), 3) as positive_share,
    round(count(*) filter (where rated.sentiment = 'negative') / count(*), 3) as negative_share
from rated
inner join {{ ref('fct_conversations') }} as conversations
    on rated.conversation_key = conversations.conversation_key
where coalesce(conversations.started_at, conversations.created_at) is not null
group by all
order by week_start, rated.platform
