-- Written summaries of conversations, one per conversation, on every platform that gives one:
--   genway:         the interview's summary export (non-empty text);
--   gensail:        a completed algorithm run whose result carries a non-empty `call_summary`
--                   (the call_summary algorithms); with several, the latest completed run wins;
--   interviewrelay: the API offers no summaries, so no session appears here.

with

genway_summaries as (

    select * from {{ ref('stg_genway__summaries') }}

),

gensail_runs as (

    select * from {{ ref('stg_gensail__algorithm_runs') }}

),

genway as (

    select
        {{ platform_key("'genway'", 'interview_id') }} as conversation_key,
        'genway' as platform,
        summary_text,
        key_insights,
        generated_at,
        'summary-export' as source,
        cast(null as bigint) as algorithm_run_id

    from genway_summaries
    where nullif(trim(summary_text), '') is not null

),

gensail_summaries as (

    select
        job_id,
        algorithm_id,
        algorithm_run_id,
        completed_at,
        result ->> '$.call_summary' as summary_text

    from gensail_runs
    where lower(status) = 'completed'

),

gensail as (

    select
        {{ platform_key("'gensail'", 'job_id') }} as conversation_key,
        'gensail' as platform,
        summary_text,
        -- the algorithm's `data` sections stay in fct_algorithm_outputs
        cast(null as varchar[]) as key_insights,
        completed_at as generated_at,
        algorithm_id as source,
        algorithm_run_id

    from gensail_summaries
    where nullif(trim(summary_text), '') is not null
    qualify row_number() over (
        partition by job_id order by completed_at desc nulls last, algorithm_run_id desc
    ) = 1

),

final as (

    select * from genway
    union all by name
    select * from gensail

)

select * from final
