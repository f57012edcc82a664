with

media as (

    select * from {{ ref('int_media_unioned') }}

),

final as (

    select
        conversation_key,
        platform,
        kind,
        -- rows exist only for media the vendor's latest record reports (see the YAML)
        true as available,
        fetch_path,
        duration_seconds

    from media

)

select * from final
