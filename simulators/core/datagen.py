"""Deterministic building blocks for the simulated data sets.

Every generator takes a `random.Random`, so a data set is a pure function of its seed. Text is
deliberately awkward: accents, CJK, right-to-left scripts, emoji, quotes and newlines, and now and
then one very long turn, because that is what breaks CSV writers and string columns.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

FIRST_NAMES = [
    "Ana", "Björn", "Chloé", "Dmitri", "Émilie", "Fatima", "Giulia", "Hiroshi", "Ingrid", "João",
    "Katarzyna", "Liam", "Mei", "Nnamdi", "Oğuz", "Priya", "Quentin", "Renée", "Søren", "Thảo",
    "Ulrike", "Valentina", "Wojciech", "Xiomara", "Yusuf", "Zoë", "李", "Андрей", "محمد", "O'Brien",
]
LAST_NAMES = [
    "García", "Müller", "Nakamura", "O'Connor", "Østergaard", "Kowalski", "Nguyễn", "Smith",
    "Dubois", "Rossi", "Öztürk", "Silva", "Haddad", "van der Berg", "Иванова", "王", "Ferreira",
]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.io"]
PHRASES = [
    "I usually start my day by checking the dashboard",
    "Honestly, the onboarding was confusing at first",
    "We switched from spreadsheets last quarter",
    "The export button is hard to find",
    "Prices went up, so we looked at alternatives",
    "Das Team nutzt es täglich, aber die Suche ist langsam",
    "C'est pratique, même si l'application plante parfois",
    "日本語のサポートがあると助かります",
    "الواجهة واضحة لكن التقارير بطيئة",
    "Мы используем это для отчётов каждую неделю",
    "It's \"fine\", I guess — nothing special",
    "Customer support answered within minutes 👍",
    "We need SSO before legal signs off; that's the blocker",
    "Line one\nline two, after a pause",
    "Mostly on mobile 📱, sometimes on the laptop",
    "Could you repeat the question?",
    "That's about 30% faster than before",
    "Tabs\tand commas, like a, b and c",
]
QUESTIONS = [
    "Can you tell me about the last time you used the product?",
    "What did you expect to happen?",
    "How did that make you feel?",
    "What would you change first?",
    "Who else on your team is involved?",
    "Could you walk me through that step by step?",
    "Is there anything else you would like to add?",
]


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def person(rng: random.Random) -> tuple[str, str]:
    """A (name, email) pair; personal data, so the pipeline must hash it downstream."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = f"{rng.choice(['', 'x.', 'the.'])}user{rng.randrange(10**6):06d}"
    return f"{first} {last}", f"{local}@{rng.choice(DOMAINS)}"


def sentence(rng: random.Random, long_turn_rate: float = 0.01) -> str:
    """One spoken turn; about one in a hundred is a very long monologue."""
    if rng.random() < long_turn_rate:
        return " ".join(rng.choice(PHRASES) for _ in range(rng.randint(300, 600)))
    return " ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 3)))


def question(rng: random.Random) -> str:
    return rng.choice(QUESTIONS)


def day_times(
    rng: random.Random, day: datetime, count: int, share_rate: float = 0.08
) -> list[datetime]:
    """`count` sorted instants within one UTC day.

    Some land exactly at midnight, and some share a timestamp with the previous one: both are
    cases an incremental cursor has to get right.
    """
    times: list[datetime] = []
    for _ in range(count):
        roll = rng.random()
        if times and roll < share_rate:
            times.append(times[-1])
        elif roll < share_rate + 0.03:
            times.append(day)
        else:
            times.append(day + timedelta(seconds=rng.randrange(86_400)))
    return sorted(times)


def poisson(rng: random.Random, mean: float) -> int:
    """A count around `mean` (normal approximation, never negative)."""
    if mean <= 0:
        return 0
    return max(0, round(rng.gauss(mean, mean**0.5)))
