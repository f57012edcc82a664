"""Genway Public API v1 simulator (contract: shared/apis/genway.md).

`models` holds the records and their JSON views, `content` the text and media made from a
record's own seed, `world` the deterministic data set, `snapshot` what it shows at `now`,
`truth` what a complete pull must land, and `app` the API.

Tenants each hold projects and interviews. An interview is scheduled, may wait days before it
starts, runs for minutes, and ends completed, abandoned or flagged; no-shows are abandoned after
14 days. About 1 % of interviews were deleted: the list index still shows them, but the
interview and its exports answer 404.
"""
