"""Settings every test sees, set before anything imports the code location."""

from __future__ import annotations

import os

# The simulators' history at the tests' NOW starts 2026-08-01; partitions must reach back that
# far. Inherited by the commands the tests start.
os.environ.setdefault("INGEST_START_DATE", "2026-07-01")
