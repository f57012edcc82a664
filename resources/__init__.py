"""Everything that touches the network or the file system: API clients, the shared request
budget, and the Parquet lake. Imports nothing from `assets` or `pipelines`."""
