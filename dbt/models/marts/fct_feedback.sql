with

feedback as (

    select * from {{ ref('int_gensail__feedback_classified') }}

),

final as (

    select
        feedback_id,
        algorithm_run_id as run_id,
        job_id,
        {{ platform_key("'gensail'", 'job_id') }} as conversation_key,
        algorithm_id,
        field,
        original_value,
        corrected_value,
        comment,
        is_correction,
        created_at

    from feedback

)

select * from final
