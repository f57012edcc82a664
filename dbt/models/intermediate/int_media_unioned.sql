-- Every recording or file a conversation has, in one shape. `fetch_path` is the API path
-- that serves it (or hands out a fresh link to it), relative to the source's base URL:
-- never a signed URL, which would expire.
--   genway:         has_audio / has_video -> /interviews/{id}/audio-export, /video-export
--   gensail:        a job with a recording_url -> kind `recording`; the job detail
--                   /api/v1/jobs/{id} carries the recording_url; duration = recording_duration
--   interviewrelay: each kind listed by /api/session/{id}/files (transcript, audio, pdf);
--                   that same path hands out fresh signed links for every kind

with

genway_interviews as (

    select * from {{ ref('stg_genway__interviews') }}

),

gensail_jobs as (

    select * from {{ ref('stg_gensail__jobs') }}

),

interviewrelay_session_files as (

    select * from {{ ref('stg_interviewrelay__session_files') }}

),

genway_kinds as (

    select interview_id, 'audio' as kind from genway_interviews where has_audio
    union all
    select interview_id, 'video' as kind from genway_interviews where has_video

),

genway as (

    select
        {{ platform_key("'genway'", 'interview_id') }} as conversation_key,
        'genway' as platform,
        kind,
        '/interviews/' || interview_id || '/' || kind || '-export' as fetch_path,
        cast(null as double) as duration_seconds

    from genway_kinds

),

gensail as (

    select
        {{ platform_key("'gensail'", 'job_id') }} as conversation_key,
        'gensail' as platform,
        'recording' as kind,
        '/api/v1/jobs/' || cast(job_id as varchar) as fetch_path,
        recording_duration_seconds as duration_seconds

    from gensail_jobs
    where nullif(trim(recording_url), '') is not null

),

interviewrelay_files as (

    select
        session_id,
        lower(trim(unnest(files).kind)) as kind

    from interviewrelay_session_files
    where len(files) > 0

),

interviewrelay as (

    select distinct
        {{ platform_key("'interviewrelay'", 'session_id') }} as conversation_key,
        'interviewrelay' as platform,
        kind,
        '/api/session/' || session_id || '/files' as fetch_path,
        cast(null as double) as duration_seconds

    from interviewrelay_files
    where nullif(kind, '') is not null

),

final as (

    select * from genway
    union all by name
    select * from gensail
    union all by name
    select * from interviewrelay

)

select * from final
