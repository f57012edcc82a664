{#
    hash_pii(expr): salted SHA-256 of a personal value.

        sha256(<salt> || lower(trim(expr)))

    The salt comes from the PII_HASH_SALT environment variable (default
    'interview-warehouse-demo-salt' for local/demo builds only). Null, empty and
    whitespace-only values stay null. Clear values must never be selected into a
    model: call this macro directly on the raw JSON extraction in staging.
#}
{% macro hash_pii(expr) -%}
    {%- set salt = env_var('PII_HASH_SALT', 'interview-warehouse-demo-salt') | replace("'", "''") -%}
    sha256('{{ salt }}' || nullif(lower(trim(cast({{ expr }} as varchar))), ''))
{%- endmacro %}
