"""The shared request budget: requests paced on one timeline, headroom that learns from 429s."""

from __future__ import annotations

import time
from pathlib import Path

from resources.budget import HEADROOM_START, FileTimeline, SharedBudget


def test_requests_are_paced_at_the_rate_even_across_budgets_sharing_a_file(
        tmp_path: Path) -> None:
    path = tmp_path / "genway.budget.json"
    one, two = (SharedBudget("genway", 600, FileTimeline(path)) for _ in range(2))
    started = time.monotonic()
    for i in range(10):
        (one if i % 2 else two).acquire()
    # Ten slots 0.1 s (plus headroom) apart: the tenth cannot start before 0.9 s.
    assert time.monotonic() - started >= 0.9 * (1 + HEADROOM_START) - 0.01


def test_a_429_moves_the_timeline_and_widens_the_headroom(tmp_path: Path) -> None:
    budget = SharedBudget("gensail", 60_000, FileTimeline(tmp_path / "g.json"))
    before = budget.headroom()
    budget.refused(0.3)
    assert budget.headroom() > before * 1.5
    started = time.monotonic()
    waited = budget.acquire()
    assert waited >= 0.25 and time.monotonic() - started >= 0.25


def test_a_torn_state_file_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"tat": 12')
    assert SharedBudget("x", 60_000, FileTimeline(path)).acquire() == 0.0
