{#
    unique_combination: the combination of `combination_of_columns` is unique (a composite
    key). Rows where any of the columns is null are not considered (pair with not_null).

        data_tests:
          - unique_combination:
              arguments:
                combination_of_columns: [conversation_key, turn_index]
#}
{% test unique_combination(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
where {% for column in combination_of_columns -%}
    {{ column }} is not null{% if not loop.last %} and {% endif %}
{%- endfor %}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
