-- One row per message of an InterviewRelay transcript. The transcript carries two parallel
-- arrays for the same utterances (stg_interviewrelay__transcripts): `messages` (doc 003:
-- role, content, created_at) and `turns` (doc 002: timestamp offset, speaker, text,
-- sentiment). They are zipped by 0-based array position; where both carry a value, the
-- current document (`messages`) wins for the text, `turns` adds the offset and the sentiment.

with

transcripts as (

    select * from {{ ref('stg_interviewrelay__transcripts') }}

),

messages as (

    select
        session_id,
        unnest(messages) as message,
        unnest(range(len(messages))) as message_index

    from transcripts
    where len(messages) > 0

),

turns as (

    select
        session_id,
        unnest(turns) as turn,
        unnest(range(len(turns))) as message_index

    from transcripts
    where len(turns) > 0

),

zipped as (

    select
        coalesce(messages.session_id, turns.session_id) as session_id,
        coalesce(messages.message_index, turns.message_index) as message_index,
        messages.message.role as role,
        turns.turn.speaker as turn_speaker,
        coalesce(messages.message.content, turns.turn.text) as text,
        messages.message.created_at as created_at,
        turns.turn."timestamp" as turn_offset_seconds,
        lower(trim(turns.turn.sentiment)) as raw_sentiment

    from messages
    full outer join turns
        on messages.session_id = turns.session_id
        and messages.message_index = turns.message_index

),

final as (

    select
        session_id,
        message_index,
        role,
        turn_speaker,
        text,
        created_at,
        turn_offset_seconds,
        case when raw_sentiment in ('positive', 'neutral', 'negative') then raw_sentiment end
            as sentiment

    from zipped

)

select * from final
