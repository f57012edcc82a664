with

genway_projects as (

    select * from {{ ref('stg_genway__projects') }}

),

interviewrelay_projects as (

    select * from {{ ref('stg_interviewrelay__projects') }}

),

genway as (

    select
        'genway:' || project_id as project_key,
        'genway' as platform,
        project_id,
        tenant_id,
        project_name,
        cast(null as varchar) as description,
        project_type,
        project_status,
        created_at,
        updated_at

    from genway_projects

),

interviewrelay as (

    select
        'interviewrelay:' || project_id as project_key,
        'interviewrelay' as platform,
        project_id,
        cast(null as varchar) as tenant_id,
        project_name,
        description,
        cast(null as varchar) as project_type,
        cast(null as varchar) as project_status,
        created_at,
        cast(null as timestamptz) as updated_at

    from interviewrelay_projects

),

final as (

    select * from genway
    union all by name
    select * from interviewrelay

)

select
    project_key,
    platform,
    project_id,
    tenant_id,
    project_name,
    description,
    project_type,
    project_status,
    created_at,
    updated_at

from final
