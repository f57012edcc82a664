"""Bounded parallel fetches of child resources, so a run keeps the rate budget busy instead of
waiting on one round trip at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from resources.errors import NotFound

T = TypeVar("T")
R = TypeVar("R")


def fetch_each(fetch: Callable[[T], R], items: Iterable[T], workers: int
               ) -> Iterator[tuple[T, R | None]]:
    """Yield (item, result) as results arrive; a 404 yields (item, None).

    At most `workers` requests are in flight. Any other error stops the submission of new work,
    lets the in-flight requests finish, and is raised.
    """
    pending: dict[Future[R], T] = {}
    source = iter(items)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        def fill() -> None:
            while len(pending) < max(1, workers):
                item = next(source, _DONE)
                if item is _DONE:
                    return
                pending[pool.submit(fetch, item)] = item  # type: ignore[arg-type]

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                try:
                    yield item, future.result()
                except NotFound:
                    yield item, None
                except BaseException:
                    for other in pending:
                        other.cancel()
                    raise
            fill()


_DONE = object()
