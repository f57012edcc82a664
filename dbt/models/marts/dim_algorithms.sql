with

algorithms as (

    select * from {{ ref('stg_gensail__algorithms') }}

),

stats as (

    select * from {{ ref('stg_gensail__algorithm_stats') }}

),

runs as (

    select * from {{ ref('stg_gensail__algorithm_runs') }}

),

runs_per_algorithm as (

    select
        algorithm_id,
        count(*) as run_count,
        count(*) filter (where lower(status) = 'completed') as completed_run_count,
        count(*) filter (where lower(status) = 'failed') as failed_run_count,
        avg(confidence_score) filter (where lower(status) = 'completed') as mean_confidence_score

    from runs
    group by algorithm_id

),

final as (

    select
        algorithms.algorithm_id,
        algorithms.algorithm_name,
        algorithms.description,
        algorithms.algorithm_version,
        algorithms.is_deprecated,
        algorithms.created_at,
        algorithms.updated_at,
        stats.total_runs as stats_total_runs,
        stats.runs_with_feedback as stats_runs_with_feedback,
        stats.corrections as stats_corrections,
        stats.accuracy as stats_accuracy,
        stats.extracted_at as stats_extracted_at,
        coalesce(runs_per_algorithm.run_count, 0) as run_count,
        coalesce(runs_per_algorithm.completed_run_count, 0) as completed_run_count,
        coalesce(runs_per_algorithm.failed_run_count, 0) as failed_run_count,
        runs_per_algorithm.mean_confidence_score

    from algorithms
    left join stats
        on algorithms.algorithm_id = stats.algorithm_id
    left join runs_per_algorithm
        on algorithms.algorithm_id = runs_per_algorithm.algorithm_id

)

select * from final
