with

conversations as (

    select * from {{ ref('int_conversations_normalised') }}

),

turns as (

    select * from {{ ref('fct_transcript_turns') }}

),

summaries as (

    select * from {{ ref('int_conversation_summaries') }}

),

turn_counts as (

    select
        conversation_key,
        count(*) as turn_count

    from turns
    group by conversation_key

),

final as (

    select
        conversations.conversation_key,
        conversations.platform,
        conversations.source_id,
        conversations.tenant_id,
        conversations.workspace_id,
        {{ platform_key('conversations.platform', 'conversations.project_id') }} as project_key,
        conversations.campaign_id,
        conversations.status,
        conversations.raw_status,
        conversations.language,
        conversations.external_metadata,
        conversations.created_at,
        conversations.started_at,
        conversations.ended_at,
        conversations.duration_seconds,
        conversations.recording_duration_seconds,
        coalesce(turn_counts.turn_count, 0) as turn_count,
        conversations.participant_hash,
        summaries.conversation_key is not null as has_summary,
        conversations.source_call_id,
        conversations.source_company_id,
        conversations.parent_job_id,
        conversations.skip_reason

    from conversations
    left join turn_counts
        on conversations.conversation_key = turn_counts.conversation_key
    left join summaries
        on conversations.conversation_key = summaries.conversation_key

)

select * from final
