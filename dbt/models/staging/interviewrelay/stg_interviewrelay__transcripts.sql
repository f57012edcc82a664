{{ config(unique_key='session_id') }}

-- The transcript JSON carries two parallel arrays describing the same utterances
-- (contract: doc 003 `messages`, doc 002 `turns`):
--   messages: [{"role": "assistant" | "user", "content": str, "created_at": date-time}]
--   turns:    [{"timestamp": seconds from start, "speaker": "ai" | "participant",
--               "text": str, "sentiment": "positive" | "neutral" | "negative"}]
-- Both are parsed into typed lists here and zipped in int_interviewrelay__transcript_messages.
-- The export's `participant_email` is never selected.

with

source as not materialized (

    select * from {{ lake_source('interviewrelay', 'transcripts') }}
    {{ extracted_since_last_build() }}

),

renamed as not materialized (

    select
        session_id,
        started_at,
        completed_at,
        {{ json_array('$.messages', '[{"role": "VARCHAR", "content": "VARCHAR", "created_at": "TIMESTAMPTZ"}]') }}
            as messages,
        {{ json_array('$.turns', '[{"timestamp": "DOUBLE", "speaker": "VARCHAR", "text": "VARCHAR", "sentiment": "VARCHAR"}]') }}
            as turns,
        _parent_version as parent_version,
        _extracted_at as extracted_at,
        _run_id as extraction_run_id

    from source

),

latest as (

    -- child entity: the version fetched for the newest parent session wins
    {{ latest_version('renamed', 'session_id', 'parent_version') }}

)

select * from latest
