with

source as (

    select * from {{ source('gensail', 'feedback') }}

),

latest as (

    {{ latest_record('source', 'id') }}

),

renamed as (

    select
        -- ids
        {{ landed('id', 'bigint') }} as feedback_id,
        {{ landed('algorithm_run_id', 'bigint') }} as algorithm_run_id,
        {{ landed('algorithm_id', 'varchar') }} as algorithm_id,
        {{ landed('job_id', 'bigint') }} as job_id,

        -- attributes
        {{ landed('field', 'varchar') }} as field,
        json_extract(_raw_json, '$.original_value') as original_value,
        json_extract(_raw_json, '$.corrected_value') as corrected_value,
        {{ json_text('_raw_json', '$.comment') }} as comment,

        -- timestamps (UTC)
        {{ landed('created_at', 'timestamptz') }} as created_at,

        -- lineage
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

),

flagged as (

    select
        *,
        -- a correction = the reviewer's value differs from the algorithm's. Numbers compare
        -- by value (1 = 1.0 = "1"), everything else by its compact JSON text.
        coalesce(
            case
                when try_cast(json_extract_string(original_value, '$') as double) is not null
                    and try_cast(json_extract_string(corrected_value, '$') as double) is not null
                    and json_type(original_value) in ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR')
                    and json_type(corrected_value) in ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR')
                    then try_cast(json_extract_string(original_value, '$') as double)
                        is distinct from try_cast(json_extract_string(corrected_value, '$') as double)
                else cast(original_value as varchar) is distinct from cast(corrected_value as varchar)
            end,
            false
        ) as is_correction

    from renamed

)

select * from flagged
