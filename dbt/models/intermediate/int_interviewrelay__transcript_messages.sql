-- One row per message of an InterviewRelay transcript. The transcript carries two parallel
-- arrays for the same utterances (stg_interviewrelay__transcripts): `messages` (doc 003:
-- role, content, created_at) and `turns` (doc 002: timestamp offset, speaker, text,
-- sentiment). They are zipped by 0-based array position; where both carry a value, the
-- current document (`messages`) wins for the text, `turns` adds the offset and the sentiment.

with

transcripts as (

    select * from {{ ref('stg_interviewrelay__transcripts') }}

),

pairs as (

    -- the two arrays side by side, position by position (the longer one sets the length):
    -- a full outer join of the two unnested arrays, without a hash table of every message
    select
        session_id,
        unnest(list_transform(
            range(greatest(coalesce(len(messages), 0), coalesce(len(turns), 0))),
            lambda i: {'message_index': i, 'message': messages[i + 1], 'turn': turns[i + 1]}
        )) as pair

    from transcripts

),

zipped as (

    select
        session_id,
        pair.message_index,
        pair.message.role as role,
        pair.turn.speaker as turn_speaker,
        coalesce(pair.message.content, pair.turn.text) as text,
        pair.message.created_at as created_at,
        pair.turn."timestamp" as turn_offset_seconds,
        lower(trim(pair.turn.sentiment)) as raw_sentiment

    from pairs

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
