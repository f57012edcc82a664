-- Projects of Genway and InterviewRelay in one shape (Gensail has no projects); attributes a
-- platform lacks are null.

with

genway_projects as (

    select * from {{ ref('stg_genway__projects') }}

),

interviewrelay_projects as (

    select * from {{ ref('stg_interviewrelay__projects') }}

),

genway as (

    select
        'genway' as platform,
        project_id,
        tenant_id,
        project_name,
        project_type,
        project_status,
        created_at,
        updated_at

    from genway_projects

),

interviewrelay as (

    select
        'interviewrelay' as platform,
        project_id,
        project_name,
        description,
        created_at

    from interviewrelay_projects

),

unioned as (

    select * from genway
    union all by name
    select * from interviewrelay

),

final as (

    select
        {{ platform_key('platform', 'project_id') }} as project_key,
        platform,
        project_id,
        tenant_id,
        project_name,
        description,
        project_type,
        project_status,
        created_at,
        updated_at

    from unioned

)

select * from final
