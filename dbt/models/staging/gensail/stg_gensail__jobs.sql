with

source as (

    select * from {{ source('gensail', 'jobs') }}

),

latest as (

    {{ latest_record('source', 'id', 'updated_at') }}

),

renamed as (

    select
        -- ids
        {{ landed('id', 'bigint') }} as job_id,
        {{ landed('parent_job_id', 'bigint') }} as parent_job_id,
        {{ landed('workspace_id', 'varchar') }} as workspace_id,
        {{ landed('source_call_id', 'varchar') }} as source_call_id,
        {{ landed('source_company_id', 'varchar') }} as source_company_id,

        -- attributes
        {{ landed('status', 'varchar') }} as status,
        {{ landed('skip_reason', 'varchar') }} as skip_reason,
        {{ landed('analytics_only', 'boolean') }} as is_analytics_only,
        case
            when json_type(_raw_json, '$.algorithm_ids') = 'ARRAY'
                then from_json(json_extract(_raw_json, '$.algorithm_ids'), '["VARCHAR"]')
        end as algorithm_ids,
        coalesce(json_type(_raw_json, '$.transcript') = 'OBJECT', false) as has_transcript,
        case
            when json_type(_raw_json, '$.transcript.utterances') = 'ARRAY'
                then json_array_length(_raw_json, '$.transcript.utterances')
        end as utterance_count,

        -- measures
        {{ landed('recording_duration', 'double') }} as recording_duration_seconds,

        -- timestamps (UTC)
        {{ landed('created_at', 'timestamptz') }} as created_at,
        {{ landed('updated_at', 'timestamptz') }} as updated_at,
        {{ landed('completed_at', 'timestamptz') }} as completed_at,

        -- lineage
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
