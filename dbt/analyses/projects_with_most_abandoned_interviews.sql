-- Question: which interview projects (Genway and InterviewRelay) lose the most interviews to
-- abandonment, and at what rate? Rate = abandoned / conversations that reached a final state
-- (completed, abandoned, flagged).
select
    projects.project_key,
    projects.platform,
    projects.project_name,
    count(*) as conversations,
    count(*) filter (where conversations.status = 'abandoned') as abandoned,
    count(*) filter (where conversations.status = 'abandoned' and conversations.started_at is null)
        as abandoned_before_start,
    count(*) filter (where conversations.status = 'completed') as completed,
    round(
        count(*) filter (where conversations.status = 'abandoned')
        / nullif(count(*) filter (where conversations.status in ('completed', 'abandoned', 'flagged')), 0),
        3
    ) as abandonment_rate
from {{ ref('fct_conversations') }} as conversations
inner join {{ ref('dim_projects') }} as projects
    on conversations.project_key = projects.project_key
group by all
order by abandoned desc, abandonment_rate desc, projects.project_key
