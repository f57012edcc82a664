{#
    platform_key(platform, id): the warehouse-wide key of a vendor record,
    `'<platform>:<source id>'`, e.g. `genway:<interview uuid>`, `gensail:40001`.

    It is `conversation_key` for conversations (Genway interviews, InterviewRelay sessions,
    Gensail jobs) and `project_key` for projects. Both arguments are SQL expressions: pass a
    platform literal quoted (`"'gensail'"`) or a column (`'platform'`). A null id gives a null
    key.
#}
{% macro platform_key(platform, id) -%}
    ({{ platform }} || ':' || cast({{ id }} as varchar))
{%- endmacro %}
