-- One row per algorithm run and output field, unnested from the run's JSON `result`, so that a
-- new algorithm's fields need no model change:
--   call fields:  every top-level key of `result` except the `data` array
--                 (output_key `call_sentiment`, path `$.call_sentiment`, data_index null);
--   data items:   every field of every object in `result.data`
--                 (output_key `data.<field>`, path `$.data[<i>].<field>`, data_index i);
--                 an item that is not an object is one row (output_key `data`, path `$.data[<i>]`).

with

runs as (

    select * from {{ ref('stg_gensail__algorithm_runs') }}
    where result is not null

),

call_fields as (

    select
        runs.algorithm_run_id,
        runs.job_id,
        runs.algorithm_id,
        field.key as output_key,
        cast(null as bigint) as data_index,
        field.fullkey as output_path,
        field.type as json_type,
        field.value as output_json

    from runs, json_each(runs.result) as field
    where not (field.key = 'data' and field.type = 'ARRAY')

),

data_items as (

    select
        runs.algorithm_run_id,
        runs.job_id,
        runs.algorithm_id,
        cast(item.key as bigint) as data_index,
        item.fullkey as item_path,
        item.type as item_type,
        item.value as item_json

    from runs, json_each(runs.result, '$.data') as item
    where json_type(runs.result, '$.data') = 'ARRAY'

),

data_fields as (

    select
        data_items.algorithm_run_id,
        data_items.job_id,
        data_items.algorithm_id,
        'data.' || field.key as output_key,
        data_items.data_index,
        data_items.item_path || substr(field.fullkey, 2) as output_path,
        field.type as json_type,
        field.value as output_json

    from data_items, json_each(data_items.item_json) as field
    where data_items.item_type = 'OBJECT'

),

data_scalars as (

    select
        algorithm_run_id,
        job_id,
        algorithm_id,
        'data' as output_key,
        data_index,
        item_path as output_path,
        item_type as json_type,
        item_json as output_json

    from data_items
    where item_type <> 'OBJECT'

),

unioned as (

    select * from call_fields
    union all by name
    select * from data_fields
    union all by name
    select * from data_scalars

),

final as (

    select
        algorithm_run_id as run_id,
        {{ platform_key("'gensail'", 'job_id') }} as conversation_key,
        algorithm_id,
        output_path,
        output_key,
        data_index,
        case json_type
            when 'VARCHAR' then 'string'
            when 'BOOLEAN' then 'boolean'
            when 'NULL' then 'null'
            when 'ARRAY' then 'array'
            when 'OBJECT' then 'object'
            else 'number'
        end as output_type,
        -- strings unquoted, numbers and booleans as written, arrays/objects as JSON text
        output_json ->> '$' as output_value,
        output_json

    from unioned

)

select * from final
