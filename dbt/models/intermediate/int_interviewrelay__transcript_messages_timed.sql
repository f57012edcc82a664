-- InterviewRelay transcript messages with start/end seconds relative to the session start.
--   start: the turn's own offset (`turns[].timestamp`), else the message's created_at minus
--          the transcript's started_at, else minus the session's first message created_at.
--   end:   the next message's start; the last message ends when the session completed
--          (transcript completed_at); null while the session is open or was abandoned.

with

messages as (

    select * from {{ ref('int_interviewrelay__transcript_messages') }}

),

transcripts as (

    select * from {{ ref('stg_interviewrelay__transcripts') }}

),

started as (

    select
        messages.*,
        transcripts.started_at as transcript_started_at,
        transcripts.completed_at as transcript_completed_at,
        coalesce(
            messages.turn_offset_seconds,
            epoch(messages.created_at - transcripts.started_at),
            epoch(
                messages.created_at
                - min(messages.created_at) over (partition by messages.session_id)
            )
        ) as start_seconds

    from messages
    left join transcripts
        on messages.session_id = transcripts.session_id

),

final as (

    select
        session_id,
        message_index,
        role,
        turn_speaker,
        text,
        created_at,
        sentiment,
        start_seconds,
        coalesce(
            lead(start_seconds) over (partition by session_id order by message_index),
            epoch(transcript_completed_at - transcript_started_at)
        ) as end_seconds

    from started

)

select * from final
