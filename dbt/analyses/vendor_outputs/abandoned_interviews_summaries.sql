-- Question: what do we know about the interviews participants abandoned?
-- One row per abandoned interview (Genway, InterviewRelay): the summary where the platform
-- wrote one (Genway exports summaries of completed interviews only, so usually there is
-- none), else the participant's last words before they left, with how far the interview got;
-- interviews abandoned before a word was said show only that. Texts quote participants: see
-- dbt/README.md, personal data.
with last_participant_turn as (
    select
        conversation_key,
        text as last_participant_words,
        turn_index as last_participant_turn_index
    from {{ ref('fct_transcript_turns') }}
    where speaker_role = 'participant'
    qualify row_number() over (partition by conversation_key order by turn_index desc) = 1
)

select
    conversations.conversation_key,
    conversations.platform,
    conversations.project_key,
    conversations.started_at,
    round(conversations.duration_seconds / 60, 1) as minutes_before_abandoning,
    conversations.turn_count,
    summaries.summary_text,
    summaries.key_insights,
    last_participant_turn.last_participant_words,
    coalesce(summaries.summary_text, last_participant_turn.last_participant_words) as what_we_know
from {{ ref('fct_conversations') }} as conversations
left join {{ ref('fct_conversation_summaries') }} as summaries
    on conversations.conversation_key = summaries.conversation_key
left join last_participant_turn
    on conversations.conversation_key = last_participant_turn.conversation_key
where conversations.status = 'abandoned'
order by what_we_know is null, conversations.started_at desc nulls last,
    conversations.conversation_key
