"""Settings checked once, before a run's first real request: each problem is one line that
names the variable, so a wrong URL, a dead host, an HTML page where the API should be, a bad key
or a warehouse directory that cannot be written fails in seconds, not after minutes of retries
and a page of tracebacks."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from resources.errors import SourceError

if TYPE_CHECKING:
    from resources.config import SourceResource


def check_directory(variable: str, value: str) -> str | None:
    """None when the directory exists (or can be created) and can be written."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        return f"{variable}={value} is a file, not a directory"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        return f"{variable}={value} is not writable ({exc.strerror or type(exc).__name__})"
    if not os.access(path, os.W_OK | os.X_OK):
        return f"{variable}={value} is not writable"
    return None


def check_source(resource: SourceResource) -> str | None:
    """None when the source's settings reach its API and are accepted (one cheap request)."""
    try:
        with resource.open() as client:
            client.probe()
    except SourceError as exc:
        return str(exc)
    return None


def check_sources(resources: list[SourceResource]) -> list[str]:
    """The sources' problems, checked side by side."""
    with ThreadPoolExecutor(max_workers=max(1, len(resources))) as pool:
        return [problem for problem in pool.map(check_source, resources) if problem]
