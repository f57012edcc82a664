with

turns as (

    select * from {{ ref('int_transcript_turns_normalised') }}

),

final as (

    select
        conversation_key,
        turn_index,
        platform,
        speaker_role,
        raw_speaker,
        text,
        start_seconds,
        end_seconds,
        sentiment

    from turns

)

select * from final
