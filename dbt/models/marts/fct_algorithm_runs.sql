with

runs as (

    select * from {{ ref('stg_gensail__algorithm_runs') }}

),

algorithms as (

    select * from {{ ref('stg_gensail__algorithms') }}

),

feedback as (

    select * from {{ ref('int_gensail__feedback_classified') }}

),

feedback_per_run as (

    select
        algorithm_run_id,
        count(*) as feedback_count,
        count(*) filter (where is_correction) as correction_count

    from feedback
    group by algorithm_run_id

),

final as (

    select
        runs.algorithm_run_id as run_id,
        runs.job_id,
        {{ platform_key("'gensail'", 'runs.job_id') }} as conversation_key,
        runs.algorithm_id,
        algorithms.algorithm_version,
        lower(trim(runs.status)) as status,
        runs.confidence_score,
        runs.result,
        runs.result ->> '$.call_sentiment' as call_sentiment,
        runs.result ->> '$.call_sentiment_reason' as call_sentiment_reason,
        runs.result ->> '$.call_summary' as call_summary,
        runs.error_code,
        runs.error_message,
        runs.created_at,
        runs.completed_at,
        coalesce(feedback_per_run.feedback_count, 0) as feedback_count,
        coalesce(feedback_per_run.correction_count, 0) as correction_count

    from runs
    left join algorithms
        on runs.algorithm_id = algorithms.algorithm_id
    left join feedback_per_run
        on runs.algorithm_run_id = feedback_per_run.algorithm_run_id

)

select * from final
