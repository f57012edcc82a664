-- Question: which are the 20 longest conversations across all platforms, and how much was said?
select
    conversation_key,
    platform,
    project_key,
    status,
    started_at,
    round(duration_seconds / 60, 1) as duration_minutes,
    turn_count,
    round(duration_seconds / nullif(turn_count, 0), 1) as seconds_per_turn
from {{ ref('fct_conversations') }}
where duration_seconds is not null
order by duration_seconds desc, conversation_key
limit 20
