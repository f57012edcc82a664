"""InterviewRelay API simulator (contract: shared/apis/interviewrelay.md; seed 003 wins over 002).

`models` holds the records and their JSON views, `content` the conversation and audio made from
a session's own seed, `world` the deterministic data set, `snapshot` what it shows at `now`,
`truth` what a complete pull must land, and `app` the API. InterviewRelay has more to serve
than the others: `billing` (credits and usage), `files` (per-session downloads behind signed
links), `exports` (bulk transcript export) and `archive` (the export's streamed ZIP).

One API key sees its projects, campaigns and sessions; another user's project exists too and
answers 404. Past 600 requests per minute from one IP the whole IP is refused for a minute.
"""
