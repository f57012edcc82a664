{#
    The built-in `relationships` test, at `warn` by default: the lake may lag behind itself for
    a while (a parent's partition quarantined and waiting to be fetched again, a source that
    failed this run while its children landed earlier), and a referential gap must never keep
    the other sources out of the warehouse. A test can still ask for `severity: error`.
#}
{% test relationships(model, column_name, to, field) %}
    {{ config(severity = 'warn') }}
    {{ return(adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field)) }}
{% endtest %}
