-- Gensail feedback with the warehouse's definition of a correction: the reviewer's value
-- differs from the algorithm's. Numbers compare by value (1 = 1.0 = "1"), everything else by
-- its compact JSON text; a null on one side only is a difference. Feedback that confirms the
-- original value is not a correction.

with

feedback as (

    select * from {{ ref('stg_gensail__feedback') }}

),

classified as (

    select
        *,
        coalesce(
            case
                when try_cast(original_value ->> '$' as double) is not null
                    and try_cast(corrected_value ->> '$' as double) is not null
                    and json_type(original_value) in ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR')
                    and json_type(corrected_value) in ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR')
                    then try_cast(original_value ->> '$' as double)
                        is distinct from try_cast(corrected_value ->> '$' as double)
                else cast(original_value as varchar) is distinct from cast(corrected_value as varchar)
            end,
            false
        ) as is_correction

    from feedback

)

select * from classified
