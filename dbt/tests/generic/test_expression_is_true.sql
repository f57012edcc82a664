{#
    expression_is_true: every row satisfies `expression` (rows where it is null pass,
    as in SQL CHECK constraints). Narrow the rows with `config: where:`.
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), true)

{% endtest %}
