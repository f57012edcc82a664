with

source as (

    select * from {{ source('genway', 'summaries') }}

),

latest as (

    {{ latest_record('source', 'interview_id', '_parent_version') }}

),

renamed as (

    select
        {{ landed('interview_id', 'varchar') }} as interview_id,
        cast(_tenant_id as varchar) as tenant_id,
        {{ json_text('_raw_json', '$.summary') }} as summary_text,
        case
            when json_type(_raw_json, '$.key_insights') = 'ARRAY'
                then from_json(json_extract(_raw_json, '$.key_insights'), '["VARCHAR"]')
        end as key_insights,
        coalesce(json_array_length(_raw_json, '$.key_insights'), 0) as key_insight_count,
        {{ landed('generated_at', 'timestamptz') }} as generated_at,
        try_cast(_parent_version as timestamptz) as parent_version,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
