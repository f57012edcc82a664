{#
    latest_record(relation, key, version=none): keep one row per `key`.

    The newest version wins (`version` desc, nulls last), then the newest extraction
    (`_extracted_at` desc), then the highest `_run_id` as a deterministic tie-breaker.
    Snapshot entities have no version column: the latest extraction wins.
#}
{% macro latest_record(relation, key, version=none) -%}
    select *
    from {{ relation }}
    where {{ key }} is not null
    qualify row_number() over (
        partition by {{ key }}
        order by
            {% if version is not none %}{{ version }} desc nulls last,{% endif %}
            _extracted_at desc nulls last,
            _run_id desc nulls last
    ) = 1
{%- endmacro %}
