-- One row per conversation on every platform, in a shared shape, with the vendor's raw
-- status (normalised downstream in int_conversations_normalised).
--   genway interviews, interviewrelay sessions, gensail jobs (recorded calls).

with

genway_interviews as (

    select * from {{ ref('stg_genway__interviews') }}

),

interviewrelay_sessions as (

    select * from {{ ref('stg_interviewrelay__sessions') }}

),

interviewrelay_campaigns as (

    select * from {{ ref('stg_interviewrelay__campaigns') }}

),

gensail_jobs as (

    select * from {{ ref('stg_gensail__jobs') }}

),

genway as (

    select
        'genway' as platform,
        interview_id as source_id,
        tenant_id,
        project_id,
        status as raw_status,
        language,
        external_metadata,
        created_at,
        started_at,
        ended_at,
        cast(coalesce(duration_seconds, epoch(ended_at - started_at)) as double)
            as duration_seconds,
        interviewee_email_hash as participant_hash

    from genway_interviews

),

interviewrelay as (

    select
        'interviewrelay' as platform,
        sessions.session_id as source_id,
        campaigns.project_id,
        sessions.campaign_id,
        sessions.status as raw_status,
        -- sessions have no creation time: a session exists from the moment it starts
        sessions.started_at as created_at,
        sessions.started_at,
        sessions.completed_at as ended_at,
        cast(coalesce(
            epoch(sessions.completed_at - sessions.started_at),
            sessions.duration_minutes * 60
        ) as double) as duration_seconds,
        sessions.participant_email_hash as participant_hash

    from interviewrelay_sessions as sessions
    left join interviewrelay_campaigns as campaigns
        on sessions.campaign_id = campaigns.campaign_id

),

gensail as (

    select
        'gensail' as platform,
        cast(job_id as varchar) as source_id,
        workspace_id,
        status as raw_status,
        created_at,
        -- the API does not say when the call itself took place: a job ends when its
        -- processing completed
        cast(null as timestamptz) as started_at,
        completed_at as ended_at,
        recording_duration_seconds as duration_seconds,
        recording_duration_seconds,
        source_call_id,
        source_company_id,
        parent_job_id,
        skip_reason

    from gensail_jobs

),

unioned as (

    select * from genway
    union all by name
    select * from interviewrelay
    union all by name
    select * from gensail

),

final as (

    select
        {{ platform_key('platform', 'source_id') }} as conversation_key,
        platform,
        source_id,
        tenant_id,
        workspace_id,
        project_id,
        campaign_id,
        raw_status,
        language,
        external_metadata,
        created_at,
        started_at,
        ended_at,
        duration_seconds,
        recording_duration_seconds,
        participant_hash,
        source_call_id,
        source_company_id,
        parent_job_id,
        skip_reason

    from unioned

)

select * from final
