-- Question: which Gensail algorithms get corrected most by reviewers, absolutely and per run?
-- A correction is feedback whose corrected value differs from the original value.
-- The vendor's own statistics are shown beside the warehouse's counts for comparison.
with runs as (
    select
        algorithm_id,
        count(*) as runs,
        count(*) filter (where feedback_count > 0) as runs_with_feedback,
        sum(feedback_count) as feedback,
        sum(correction_count) as corrections
    from {{ ref('fct_algorithm_runs') }}
    group by algorithm_id
)
select
    runs.algorithm_id,
    algorithms.algorithm_name,
    algorithms.algorithm_version,
    algorithms.is_deprecated,
    runs.runs,
    runs.runs_with_feedback,
    runs.feedback,
    runs.corrections,
    round(runs.corrections / nullif(runs.runs, 0), 3) as corrections_per_run,
    algorithms.stats_corrections as vendor_corrections,
    algorithms.stats_accuracy as vendor_accuracy
from runs
left join {{ ref('dim_algorithms') }} as algorithms
    on runs.algorithm_id = algorithms.algorithm_id
order by runs.corrections desc, corrections_per_run desc, runs.algorithm_id
