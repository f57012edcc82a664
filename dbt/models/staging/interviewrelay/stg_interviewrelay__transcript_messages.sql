-- One row per message of an InterviewRelay session transcript. The transcript JSON carries
-- two parallel arrays describing the same utterances (contract: doc 003 `messages`, doc 002
-- `turns`):
--   messages: [{"role": "assistant" | "user", "content": str, "created_at": date-time}]
--   turns:    [{"timestamp": seconds from start, "speaker": "ai" | "participant",
--               "text": str, "sentiment": "positive" | "neutral" | "negative"}]
-- They are zipped by array position (0-based). Where both carry a value, the current
-- document (`messages`) wins for role and text; `turns` adds the offset and the sentiment.
-- Start/end seconds are derived in int_interviewrelay__transcript_messages_timed.

with

source as (

    select * from {{ source('interviewrelay', 'transcripts') }}

),

latest as (

    -- the same transcript version as stg_interviewrelay__transcripts
    {{ latest_record('source', 'session_id', '_parent_version') }}

),

transcripts as (

    select
        cast(session_id as varchar) as session_id,
        case when json_type(_raw_json, '$.messages') = 'ARRAY'
            then from_json(json_extract(_raw_json, '$.messages'), '["JSON"]') end as messages,
        case when json_type(_raw_json, '$.turns') = 'ARRAY'
            then from_json(json_extract(_raw_json, '$.turns'), '["JSON"]') end as turns

    from latest

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
        {{ json_text('messages.message', '$.role') }} as role,
        {{ json_text('turns.turn', '$.speaker') }} as turn_speaker,
        coalesce(
            {{ json_text('messages.message', '$.content') }},
            {{ json_text('turns.turn', '$.text') }}
        ) as text,
        {{ json_timestamp('messages.message', '$.created_at') }} as created_at,
        {{ json_number('turns.turn', '$.timestamp') }} as turn_offset_seconds,
        lower(trim({{ json_text('turns.turn', '$.sentiment') }})) as raw_sentiment

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
