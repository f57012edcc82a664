with

projects as (

    select * from {{ ref('int_projects_unioned') }}

),

final as (

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

    from projects

)

select * from final
