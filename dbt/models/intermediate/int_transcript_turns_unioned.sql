-- One row per transcript turn on every platform, in a shared shape, with the vendor's raw
-- speaker label (normalised downstream in int_transcript_turns_normalised):
--   genway:         stg_genway__transcripts.turns, unnested (turn `index`, else position);
--   interviewrelay: int_interviewrelay__transcript_messages_timed (0-based position);
--   gensail:        stg_gensail__jobs.utterances, unnested (0-based position).

with

genway_transcripts as (

    select * from {{ ref('stg_genway__transcripts') }}

),

interviewrelay_messages as (

    select * from {{ ref('int_interviewrelay__transcript_messages_timed') }}

),

gensail_jobs as (

    select * from {{ ref('stg_gensail__jobs') }}

),

genway_turns as (

    select
        interview_id,
        unnest(turns) as turn,
        unnest(range(len(turns))) as array_position

    from genway_transcripts
    where len(turns) > 0

),

gensail_utterances as (

    select
        job_id,
        unnest(utterances) as utterance,
        unnest(range(len(utterances))) as utterance_index

    from gensail_jobs
    where len(utterances) > 0

),

genway as (

    select
        'genway' as platform,
        interview_id as source_id,
        coalesce(turn."index", array_position) as turn_index,
        turn.speaker as raw_speaker,
        turn.text,
        turn.start_seconds,
        turn.end_seconds,
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
        utterance.speaker as raw_speaker,
        utterance.text,
        utterance."start" as start_seconds,
        utterance."end" as end_seconds,
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
        {{ platform_key('platform', 'source_id') }} as conversation_key,
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
