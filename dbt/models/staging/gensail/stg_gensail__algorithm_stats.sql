with

source as (

    select * from {{ source('gensail', 'algorithm_stats') }}

),

latest as (

    -- snapshot entity: the latest extraction per algorithm wins
    {{ latest_record('source', 'algorithm_id') }}

),

renamed as (

    select
        {{ landed('algorithm_id', 'varchar') }} as algorithm_id,
        {{ landed('total_runs', 'bigint') }} as total_runs,
        {{ landed('runs_with_feedback', 'bigint') }} as runs_with_feedback,
        {{ landed('corrections', 'bigint') }} as corrections,
        {{ landed('accuracy', 'double') }} as accuracy,
        try_cast(_extracted_at as timestamptz) as extracted_at,
        cast(_run_id as varchar) as extraction_run_id

    from latest

)

select * from renamed
