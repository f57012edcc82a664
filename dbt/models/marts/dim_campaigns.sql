with

campaigns as (

    select * from {{ ref('stg_interviewrelay__campaigns') }}

),

sessions as (

    select * from {{ ref('stg_interviewrelay__sessions') }}

),

sessions_per_campaign as (

    select
        campaign_id,
        count(*) as session_count,
        count(*) filter (where lower(status) = 'completed') as completed_session_count,
        min(started_at) as first_session_started_at,
        max(started_at) as last_session_started_at

    from sessions
    group by campaign_id

),

final as (

    select
        campaigns.campaign_id,
        {{ platform_key("'interviewrelay'", 'campaigns.project_id') }} as project_key,
        campaigns.project_id,
        campaigns.script_id,
        campaigns.campaign_name,
        campaigns.status,
        campaigns.invite_valid_hours,
        campaigns.invites_sent,
        campaigns.completed_sessions as reported_completed_sessions,
        campaigns.completed_sessions / nullif(campaigns.invites_sent, 0)
            as reported_completion_rate,
        -- the campaign detail's stats (null while the snapshot carries none)
        campaigns.stats_started as started,
        campaigns.stats_completed as completed,
        campaigns.stats_completion_rate as completion_rate,
        coalesce(sessions_per_campaign.session_count, 0) as session_count,
        coalesce(sessions_per_campaign.completed_session_count, 0) as completed_session_count,
        sessions_per_campaign.first_session_started_at,
        sessions_per_campaign.last_session_started_at,
        campaigns.created_at

    from campaigns
    left join sessions_per_campaign
        on campaigns.campaign_id = sessions_per_campaign.campaign_id

)

select * from final
