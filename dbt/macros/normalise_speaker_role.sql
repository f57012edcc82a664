{#
    normalise_speaker_role(platform, raw_speaker)

    Interviews (genway, interviewrelay) -> interviewer | participant:
        genway:          interviewer -> interviewer, participant -> participant
        interviewrelay:  ai, assistant -> interviewer; participant, user -> participant
                         (`turns[].speaker` and `messages[].role` respectively)
    Calls (gensail)    -> agent | caller | unknown:
        agent -> agent, caller -> caller, anything else (diarisation labels such as
        SPEAKER_2, or a missing speaker) -> unknown

    Matching ignores case and surrounding blanks. An unknown interview speaker maps to
    null (raw value kept beside it; a warn-level not_null test surfaces it).
#}
{% macro normalise_speaker_role(platform, raw_speaker) -%}
    {%- set s = "lower(trim(" ~ raw_speaker ~ "))" -%}
    case
        when {{ platform }} = 'genway' then
            case when {{ s }} in ('interviewer', 'participant') then {{ s }} end
        when {{ platform }} = 'interviewrelay' then
            case
                when {{ s }} in ('ai', 'assistant', 'interviewer') then 'interviewer'
                when {{ s }} in ('participant', 'user') then 'participant'
            end
        when {{ platform }} = 'gensail' then
            case
                when {{ s }} in ('agent', 'caller') then {{ s }}
                else 'unknown'
            end
    end
{%- endmacro %}
