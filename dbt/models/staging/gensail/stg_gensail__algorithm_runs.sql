with

source as (

    select * from {{ source('gensail', 'algorithm_runs') }}

),

latest as (

    -- child entity: the run as fetched for the newest version of its job wins
    {{ latest_record('source', 'id', '_parent_version') }}

),

renamed as (

    select
        -- ids
        {{ landed('id', 'bigint') }} as algorithm_run_id,
        {{ landed('job_id', 'bigint') }} as job_id,
        {{ landed('algorithm_id', 'varchar') }} as algorithm_id,

        -- attributes
        {{ landed('status', 'varchar') }} as status,
        {{ landed('webhook_delivered', 'boolean') }} as is_webhook_delivered,
        case
            when json_type(_raw_json, '$.result') = 'OBJECT' then json_extract(_raw_json, '$.result')
        end as result,
        {{ json_text('_raw_json', '$.result.call_summary') }} is not null as has_call_summary,
        {{ json_text('_raw_json', '$.error.code') }} as error_code,
        {{ json_text('_raw_json', '$.error.message') }} as error_message,

        -- measures
        {{ landed('confidence_score', 'double') }} as confidence_score,

        -- timestamps (UTC)
        {{ landed('created_at', 'timestamptz') }} as created_at,
        {{ landed('completed_at', 'timestamptz') }} as completed_at,

        -- lineage
        try_cast(_parent_version as timestamptz) as parent_version,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
