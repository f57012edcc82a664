{#
    json_array(path, structure, json_col='_raw_json'): a nested array of the raw record,
    parsed into a typed DuckDB list (`from_json`). Typed columns of the lake are selected as
    they are; only nested values (transcripts, results, lists) and fields the Arrow schema
    does not type are read from `_raw_json`.

    Tolerant by construction: a missing path or a value that is not an array gives null; a
    field that does not fit its type (a number sent as a string that is not a number, an
    unparseable timestamp) gives null for that field; unknown fields are ignored (the lake
    keeps them in `_raw_json`).

        json_array('$.turns', '[{"index": "BIGINT", "speaker": "VARCHAR"}]')
#}
{% macro json_array(path, structure, json_col='_raw_json') -%}
    from_json(json_extract({{ json_col }}, '{{ path }}'), '{{ structure }}')
{%- endmacro %}
