with

summaries as (

    select * from {{ ref('int_conversation_summaries') }}

),

final as (

    select
        conversation_key,
        platform,
        summary_text,
        key_insights,
        generated_at,
        source,
        algorithm_run_id as run_id

    from summaries

)

select * from final
