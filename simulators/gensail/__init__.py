"""Gensail Analytics API simulator (contract: shared/apis/gensail.md).

`models` holds the records and their JSON views, `content` the transcripts, algorithm results
and reviewers' corrections made from a record's own seed, `world` the deterministic data set,
`jobs` a job's life through the vendor's pipeline, `snapshot` what the data set shows at `now`,
`truth` what a complete pull must land, and `app` the API.

One workspace, reached with one token (Bearer or `x-api-key`).
"""
