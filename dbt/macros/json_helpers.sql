{#
    Tolerant readers of the raw JSON record (`_raw_json`).

    Vendors may send numbers as strings, drop optional null fields or add unknown
    fields (schema drift). Every value is extracted as text and try_cast, so a bad
    or missing value becomes null instead of failing the build.
#}

{% macro json_text(json_col, path) -%}
    json_extract_string({{ json_col }}, '{{ path }}')
{%- endmacro %}

{% macro json_number(json_col, path, type='double') -%}
    try_cast(json_extract_string({{ json_col }}, '{{ path }}') as {{ type }})
{%- endmacro %}

{% macro json_timestamp(json_col, path) -%}
    try_cast(json_extract_string({{ json_col }}, '{{ path }}') as timestamptz)
{%- endmacro %}

{% macro json_bool(json_col, path) -%}
    try_cast(json_extract_string({{ json_col }}, '{{ path }}') as boolean)
{%- endmacro %}

{#- Whole-number columns: accept 12, "12" and "12.0"; reject 12.5 (null). -#}
{% macro to_integer(expr) -%}
    case
        when try_cast({{ expr }} as double) = floor(try_cast({{ expr }} as double))
            then try_cast(try_cast({{ expr }} as double) as bigint)
    end
{%- endmacro %}

{#
    landed(column, type, path=none): a landed typed column, cast tolerantly, with the raw
    JSON value as a fallback (older files may predate a typed column, and a column that
    ever lands as text in one file is promoted to VARCHAR by union_by_name).
    `path` defaults to the top-level field of the same name.
#}
{% macro landed(column, type, path=none) -%}
    {%- set p = path if path is not none else '$.' ~ column -%}
    {%- if type in ('bigint', 'integer', 'int') -%}
        coalesce({{ to_integer(column) }}, {{ to_integer(json_text('_raw_json', p)) }})
    {%- elif type == 'varchar' -%}
        coalesce(cast({{ column }} as varchar), {{ json_text('_raw_json', p) }})
    {%- else -%}
        coalesce(try_cast({{ column }} as {{ type }}), try_cast({{ json_text('_raw_json', p) }} as {{ type }}))
    {%- endif -%}
{%- endmacro %}
