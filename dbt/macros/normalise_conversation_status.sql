{#
    normalise_conversation_status(platform, raw_status)

    Maps every platform's raw conversation status onto the shared vocabulary
    scheduled | in_progress | completed | abandoned | skipped | failed | flagged.

    genway interviews:       scheduled, in_progress, completed, abandoned, flagged (identity)
    interviewrelay sessions: in_progress, completed, abandoned (identity)
    gensail jobs:            queued -> scheduled;
                             transcribing, analyzing, publishing (and the undocumented
                             'processing') -> in_progress;
                             completed, skipped, failed (identity)

    Matching ignores case and surrounding blanks. An unknown raw status maps to null
    (the raw value is kept beside it, and a warn-level not_null test surfaces it).
#}
{% macro normalise_conversation_status(platform, raw_status) -%}
    {%- set s = "lower(trim(" ~ raw_status ~ "))" -%}
    case
        when {{ platform }} = 'genway' then
            case when {{ s }} in ('scheduled', 'in_progress', 'completed', 'abandoned', 'flagged')
                then {{ s }} end
        when {{ platform }} = 'interviewrelay' then
            case when {{ s }} in ('in_progress', 'completed', 'abandoned')
                then {{ s }} end
        when {{ platform }} = 'gensail' then
            case
                when {{ s }} = 'queued' then 'scheduled'
                when {{ s }} in ('transcribing', 'analyzing', 'publishing', 'processing') then 'in_progress'
                when {{ s }} in ('completed', 'skipped', 'failed') then {{ s }}
            end
    end
{%- endmacro %}
