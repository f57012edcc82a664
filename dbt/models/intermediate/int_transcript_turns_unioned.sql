-- One row per transcript turn on every platform, in a shared shape, with the vendor's raw
-- speaker label (normalised downstream in int_transcript_turns_normalised).

with

genway_turns as (

    select * from {{ ref('stg_genway__transcript_turns') }}

),

interviewrelay_messages as (

    select * from {{ ref('int_interviewrelay__transcript_messages_timed') }}

),

gensail_utterances as (

    select * from {{ ref('stg_gensail__transcript_utterances') }}

),

genway as (

    select
        'genway' as platform,
        interview_id as source_id,
        turn_index,
        speaker as raw_speaker,
        text,
        start_seconds,
        end_seconds,
        cast(null as varchar) as sentiment

    from genway_turns

),

interviewrelay as (

    select
        'interviewrelay' as platform,
        session_id as source_id,
        message_index as turn_index,
        -- the current API document (messages[].role) wins over the older turns[].speaker
        coalesce(role, turn_speaker) as raw_speaker,
        text,
        start_seconds,
        end_seconds,
        sentiment

    from interviewrelay_messages

),

gensail as (

    select
        'gensail' as platform,
        cast(job_id as varchar) as source_id,
        utterance_index as turn_index,
        speaker as raw_speaker,
        text,
        start_seconds,
        end_seconds,
        cast(null as varchar) as sentiment

    from gensail_utterances

),

unioned as (

    select * from genway
    union all by name
    select * from interviewrelay
    union all by name
    select * from gensail

),

final as (

    select
        platform || ':' || source_id as conversation_key,
        platform,
        source_id,
        cast(turn_index as bigint) as turn_index,
        raw_speaker,
        text,
        cast(start_seconds as double) as start_seconds,
        cast(end_seconds as double) as end_seconds,
        sentiment

    from unioned

)

select * from final
