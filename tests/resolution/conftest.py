"""Fixtures for resolution tests: a small population of people written the ways partners write them."""

from __future__ import annotations

import random

import pandas as pd
import pytest

_GIVEN = [
    "Somchai",
    "Wichai",
    "Malee",
    "Aung",
    "Thida",
    "Hung",
    "Lan",
    "Siti",
    "Ahmad",
    "Kumar",
    "Nimal",
    "Ruwan",
]
_FAMILY = ["Boonmee", "Jaidee", "Min", "Nguyen", "Tran", "Wulandari", "Ismail", "Perera", "Silva", "Rajan"]
_VARIANTS = {"Boonmee": "Bunmi", "Jaidee": "Chaidee", "Nguyen": "Nguyễn", "Tran": "Trần", "Silva": "Silwa"}


def people_mentions(n_people: int, *, seed: int = 7) -> pd.DataFrame:
    """Mentions of n_people people, 1-4 each, with spelling variants, reordering and missing fields."""
    rng = random.Random(seed)
    rows = []
    for person in range(n_people):
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        year, month, day = rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)
        phone = f"08{rng.randint(10_000_000, 99_999_999)}"
        passport = f"P{rng.randint(1_000_000, 9_999_999)}"
        for copy in range(rng.randint(1, 4)):
            name = f"{given} {family}"
            if copy % 2 and family in _VARIANTS:
                name = f"{given} {_VARIANTS[family]}"
            if copy == 3:
                name = f"{family.upper()} {given.upper()}"
            rows.append(
                {
                    "id": f"p{person}-m{copy}",
                    "source": "TH",
                    "name": name,
                    "dob": f"{year}-{month:02d}-{day:02d}" if copy != 2 else f"{day:02d}/{month:02d}/{year}",
                    "gender": rng.choice(["M", "F"]) if copy == 0 else "",
                    "nationality": "TH",
                    "phone": phone if copy != 1 else "",
                    "id_number": passport if copy in (0, 2) else "",
                    "person": f"p{person}",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def mentions_600() -> pd.DataFrame:
    return people_mentions(240)
