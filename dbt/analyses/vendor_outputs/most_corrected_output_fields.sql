-- Question: which algorithm output fields do reviewers correct most, absolutely and relative
-- to how often the field was produced? A correction is feedback whose corrected value
-- differs from the original (fct_feedback.is_correction); the field is a top-level key of
-- the run's result, as in fct_algorithm_outputs.
with produced as (
    select
        algorithm_id,
        output_key as field,
        count(distinct run_id) as runs_with_field
    from {{ ref('fct_algorithm_outputs') }}
    where data_index is null
    group by all
),

reviewed as (
    select
        algorithm_id,
        field,
        count(*) as feedback,
        count(*) filter (where is_correction) as corrections,
        count(*) filter (where comment is not null) as with_comment
    from {{ ref('fct_feedback') }}
    group by all
)

select
    reviewed.algorithm_id,
    reviewed.field,
    produced.runs_with_field,
    reviewed.feedback,
    reviewed.corrections,
    round(reviewed.corrections / nullif(reviewed.feedback, 0), 3) as correction_share_of_feedback,
    round(reviewed.corrections / nullif(produced.runs_with_field, 0), 3) as corrections_per_run,
    reviewed.with_comment
from reviewed
left join produced
    on reviewed.algorithm_id = produced.algorithm_id
    and reviewed.field = produced.field
order by reviewed.corrections desc, corrections_per_run desc nulls last, reviewed.algorithm_id,
    reviewed.field
