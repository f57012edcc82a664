{#
    Reading the lake incrementally. Every staging model reads one lake entity like this:

        with
        source as (
            select * from {{ lake_source('gensail', 'jobs') }}
            {{ extracted_since_last_build() }}
        ),
        renamed as ( select id as job_id, ..., _extracted_at as extracted_at,
                            _run_id as extraction_run_id from source ),
        latest as ( {{ latest_version('renamed', 'job_id', 'updated_at') }} )
        select * from latest

    and is an incremental model (`delete+insert` on its key, dbt_project.yml):

    - first build, or `dbt build --full-refresh`: every landed row is read;
    - later builds: only rows stamped (`_extracted_at`) after the newest stamp the model holds
      minus `var('lake_reread_margin')` (one hour), and the rows the model holds for the same
      keys compete with them, so the newest version of each record wins exactly as in a full
      rebuild. Rows read twice are idempotent.
#}


{#
    lake_source(source_name, table_name): the source relation (`read_parquet` over the
    entity's files, see the sources' `external_location`).

    An entity with no file at all yet (not even the `_schema.parquet` that the ingestion side
    writes for every entity it knows) reads as zero rows typed by the `data_type`s declared on
    the source table's columns; an entity without declared types fails with a clear error.
#}
{% macro lake_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set match = modules.re.search("read_parquet\\('([^']+)'", relation | string) -%}
    {%- if match is none -%}
        {#- a unit test's fixture, not the lake -#}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set files = run_query("select count(*) from glob('" ~ match.group(1) ~ "')") -%}
    {%- if files.columns[0].values()[0] > 0 -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {%- set typed = [] -%}
    {%- for column in node.columns.values() if column.data_type -%}
        {%- do typed.append('cast(null as ' ~ column.data_type ~ ') as ' ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- if typed | length == 0 -%}
        {{- exceptions.raise_compiler_error(
            "No file in the lake for " ~ source_name ~ "/" ~ table_name ~ " (" ~ match.group(1)
            ~ "): the ingestion side writes `_schema.parquet` for every entity it lands.") -}}
    {%- endif -%}
    {{- return('(select ' ~ typed | join(', ') ~ ' where false)') -}}
{%- endmacro %}


{#
    extracted_since_last_build(column='_extracted_at'): in an incremental run, the `where`
    clause that keeps only lake rows stamped after the newest `extracted_at` the model holds,
    minus the re-read margin. Nothing in a full build. The bound is looked up when the model
    runs and written into the query as a constant, so DuckDB prunes Parquet row groups and
    files by their `_extracted_at` statistics instead of reading every `_raw_json`.
#}
{% macro extracted_since_last_build(column='_extracted_at') -%}
    {%- if is_incremental() -%}
        {%- set newest = "(select max(extracted_at) - interval '" ~ var('lake_reread_margin')
            ~ "' from " ~ this ~ ")" -%}
        {%- set bound = "coalesce(" ~ newest ~ ", '-infinity'::timestamptz)" -%}
        {#- A unit test's `this` is its fixture: reading the real table would judge the
            fixture's rows against the data of the last build. -#}
        {%- if execute and this is not string and model.resource_type != 'unit_test'
              and load_relation(this) is not none -%}
            {#- a constant, in UTC: lets DuckDB skip files and row groups by statistics -#}
            {%- set found = run_query(
                "select strftime(timezone('UTC', " ~ newest ~ "), '%Y-%m-%d %H:%M:%S.%f')"
                ).columns[0].values()[0] -%}
            {%- set bound = "'" ~ found ~ "+00'::timestamptz" if found is not none
                else "'-infinity'::timestamptz" -%}
        {%- endif %}
    where {{ column }} > {{ bound }}
    {%- endif -%}
{%- endmacro %}


{#
    latest_version(relation, key, version=none): one row per `key`, the newest version.

    Order: `version` desc (nulls last; `updated_at`, or `parent_version` for child entities),
    then the newest extraction (`extracted_at`), then the highest `extraction_run_id` as a
    deterministic tie-breaker. Snapshot entities have no version: the latest extraction wins.
    In an incremental run the rows the model already holds for the same keys take part, so a
    re-read older row never replaces a newer one; a key whose held row stays newest is left
    out, so `delete+insert` leaves that row as it is.

    Memory: only the key and the ordering columns are ranked; the winners are then picked
    from the incoming rows by a semi join on them, so a record's payload (a whole transcript,
    parsed) never enters a window or a hash table and the build's memory does not grow with
    the lake. `relation` is read more than once (twice; three times in an incremental run),
    every time but the last for those columns only. The model's `source` and `relation` CTEs
    must be `not materialized`, or DuckDB keeps every row of a CTE read more than once in
    memory (checked here). Two lake rows equal in key and all ordering columns cannot occur
    (one version of a record has one partition day, where the landing keeps one row per id);
    were there two, both would pass and the key's unique test fail.
#}
{% macro latest_version(relation, key, version=none) -%}
    {%- if execute and model.resource_type == 'model' -%}
        {%- for cte in ['source', relation] -%}
            {%- if modules.re.search('(?m)^' ~ cte ~ ' as \\(', model.raw_code) -%}
                {{- exceptions.raise_compiler_error(
                    model.name ~ ": the CTE `" ~ cte ~ "` must be `" ~ cte ~ " as not materialized (`:"
                    ~ " latest_version reads it more than once, and DuckDB would hold every row of it.") -}}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set ordering = ([version] if version is not none else []) + ['extracted_at', 'extraction_run_id'] -%}
    with

    incoming as not materialized (

        select * from {{ relation }}

    ),

    candidates as (

        select {{ key }}, {{ ordering | join(', ') }}, false as held
        from incoming
        where {{ key }} is not null
        {%- if is_incremental() %}
        union all
        select {{ key }}, {{ ordering | join(', ') }}, true as held
        from {{ this }}
        where {{ key }} in (select {{ key }} from incoming)
        {%- endif %}

    ),

    newest as (

        select *
        from candidates
        qualify row_number() over (
            partition by {{ key }}
            order by
                {%- for column in ordering %}
                {{ column }} desc nulls last,
                {%- endfor %}
                held
        ) = 1

    )

    select incoming.*
    from incoming
    semi join newest
        on not newest.held
        and incoming.{{ key }} = newest.{{ key }}
        {%- for column in ordering %}
        and incoming.{{ column }} is not distinct from newest.{{ column }}
        {%- endfor %}
{%- endmacro %}
