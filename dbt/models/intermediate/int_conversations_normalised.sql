-- Applies the shared status vocabulary (macro normalise_conversation_status; unit-tested
-- in int_conversations_normalised.yml) to every conversation.

with

conversations as (

    select * from {{ ref('int_conversations_unioned') }}

),

normalised as (

    select
        *,
        {{ normalise_conversation_status('platform', 'raw_status') }} as status

    from conversations

)

select * from normalised
