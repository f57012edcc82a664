"""An `ApiClient` over `httpx.MockTransport`: the client's own code, a scripted server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from resources.budget import SharedBudget
from resources.http import ApiClient

Handler = Callable[[httpx.Request], httpx.Response]


def api(handler: Handler, tmp_path: Path, name: str = "unit", **options: object) -> ApiClient:
    budget = SharedBudget.get(name, 60_000, tmp_path / "budgets")
    # One host per name: "did this host ever answer?" is remembered per base URL.
    return ApiClient(source="unit", base_url=f"http://{name}.test", headers={}, budget=budget,
                     secret_variable="UNIT_TOKEN", base_url_variable="UNIT_BASE_URL",
                     transport=httpx.MockTransport(handler), **options)  # type: ignore[arg-type]
