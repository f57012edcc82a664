-- Applies the shared speaker roles (macro normalise_speaker_role; unit-tested in
-- int_transcript_turns_normalised.yml) to every transcript turn.

with

turns as (

    select * from {{ ref('int_transcript_turns_unioned') }}

),

normalised as (

    select
        *,
        {{ normalise_speaker_role('platform', 'raw_speaker') }} as speaker_role

    from turns

)

select * from normalised
