-- One row per utterance of a Gensail job transcript. The transcript is embedded in the job
-- JSON (JobDetail) once the job reaches `analyzing`:
-- {"transcript": {"text": str, "utterances": [{"speaker", "text", "start", "end"}]}}.
-- Utterances carry no index: the position in the array (0-based) identifies them.

with

source as (

    select * from {{ source('gensail', 'jobs') }}

),

latest as (

    -- the same job version as stg_gensail__jobs
    {{ latest_record('source', 'id', 'updated_at') }}

),

utterance_lists as (

    select
        {{ landed('id', 'bigint') }} as job_id,
        from_json(json_extract(_raw_json, '$.transcript.utterances'), '["JSON"]') as utterances

    from latest
    where json_type(_raw_json, '$.transcript.utterances') = 'ARRAY'

),

unnested as (

    select
        job_id,
        unnest(utterances) as utterance,
        unnest(range(len(utterances))) as utterance_index

    from utterance_lists

),

renamed as (

    select
        job_id,
        utterance_index,
        {{ json_text('utterance', '$.speaker') }} as speaker,
        {{ json_text('utterance', '$.text') }} as text,
        {{ json_number('utterance', '$.start') }} as start_seconds,
        {{ json_number('utterance', '$.end') }} as end_seconds

    from unnested

)

select * from renamed
