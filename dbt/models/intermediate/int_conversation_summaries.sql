-- Conversations for which the platform produced a written summary:
--   genway:         a summary export with non-empty text was landed for the interview;
--   gensail:        a completed algorithm run returned a `call_summary` for the job;
--   interviewrelay: the API offers no summaries, so no session appears here.

with

genway_summaries as (

    select * from {{ ref('stg_genway__summaries') }}

),

gensail_runs as (

    select * from {{ ref('stg_gensail__algorithm_runs') }}

),

genway as (

    select distinct 'genway:' || interview_id as conversation_key
    from genway_summaries
    where nullif(trim(summary_text), '') is not null

),

gensail as (

    select distinct 'gensail:' || cast(job_id as varchar) as conversation_key
    from gensail_runs
    where lower(status) = 'completed' and has_call_summary

),

final as (

    select conversation_key from genway
    union
    select conversation_key from gensail

)

select * from final
