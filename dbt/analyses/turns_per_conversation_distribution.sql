-- Question: how many turns does a conversation with a transcript have, per platform?
-- Distribution (min, quartiles, p90, max, mean) and the share of turns said by the
-- participant / caller.
with per_conversation as (
    select
        conversation_key,
        platform,
        count(*) as turns,
        count(*) filter (where speaker_role in ('participant', 'caller')) as respondent_turns
    from {{ ref('fct_transcript_turns') }}
    group by all
)
select
    platform,
    count(*) as conversations_with_transcript,
    min(turns) as min_turns,
    quantile_cont(turns, 0.25) as p25_turns,
    median(turns) as median_turns,
    quantile_cont(turns, 0.75) as p75_turns,
    quantile_cont(turns, 0.90) as p90_turns,
    max(turns) as max_turns,
    round(avg(turns), 1) as mean_turns,
    round(sum(respondent_turns) / sum(turns), 3) as respondent_turn_share
from per_conversation
group by platform
order by platform
