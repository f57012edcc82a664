-- One row per turn of a Genway transcript export. The turns live only in the raw JSON:
-- {"turns": [{"index": int, "speaker": str, "text": str, "start_seconds": float,
--             "end_seconds": float}]}. Every field is read as text and cast tolerantly.

with

source as (

    select * from {{ source('genway', 'transcripts') }}

),

latest as (

    -- the same transcript version as stg_genway__transcripts
    {{ latest_record('source', 'interview_id', '_parent_version') }}

),

turn_lists as (

    select
        cast(interview_id as varchar) as interview_id,
        from_json(json_extract(_raw_json, '$.turns'), '["JSON"]') as turns

    from latest
    where json_type(_raw_json, '$.turns') = 'ARRAY'

),

unnested as (

    select
        interview_id,
        unnest(turns) as turn,
        unnest(range(len(turns))) as array_position

    from turn_lists

),

renamed as (

    select
        interview_id,
        coalesce({{ to_integer(json_text('turn', '$.index')) }}, array_position) as turn_index,
        {{ json_text('turn', '$.speaker') }} as speaker,
        {{ json_text('turn', '$.text') }} as text,
        {{ json_number('turn', '$.start_seconds') }} as start_seconds,
        {{ json_number('turn', '$.end_seconds') }} as end_seconds

    from unnested

)

select * from renamed
