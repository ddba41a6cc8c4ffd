"""Phone numbers, passport and licence numbers in each country's format, sampled in bulk."""

from __future__ import annotations

import random

import numpy as np

from tiaki.world.data import Country

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def mobile_numbers(country: Country, n: int, rng: np.random.Generator) -> list[str]:
    """n random mobile numbers in E.164 from the country's numbering plans (valid, not real people's)."""
    if n == 0:
        return []
    plans = country.phone_plans
    plan_idx = rng.integers(0, len(plans), size=n)
    out: list[str] = [""] * n
    for k, plan in enumerate(plans):
        rows = np.flatnonzero(plan_idx == k)
        if rows.size == 0:
            continue
        prefixes = rng.integers(0, len(plan.prefixes), size=rows.size)
        # Subscriber digits vary in length with the prefix, so draw the longest and cut.
        width = plan.length - min(len(p) for p in plan.prefixes)
        digits = rng.integers(0, 10, size=(rows.size, width)).astype(np.uint8) + ord("0")
        tails = digits.view(f"S{width}").ravel()
        for j, row in enumerate(rows):
            prefix = plan.prefixes[prefixes[j]]
            tail = tails[j].decode()[: plan.length - len(prefix)]
            out[row] = f"+{country.dial_code}{prefix}{tail}"
    return out


def _groups(digits: str, groups: tuple[int, ...]) -> str:
    parts, pos = [], 0
    for size in groups:
        parts.append(digits[pos : pos + size])
        pos += size
    if pos < len(digits):
        parts.append(digits[pos:])
    return " ".join(p for p in parts if p)


def written_phone(
    e164: str, country: Country, report_country: str, prng: random.Random, national_rate: float
) -> str:
    """A phone number as someone writes it: E.164, spaced international, or national with trunk prefix.

    National format is only used when the number belongs to the report's country, so it can be parsed there.
    """
    nsn = e164[1 + len(country.dial_code) :]
    plan = next((p for p in country.phone_plans if len(nsn) == p.length), country.phone_plans[0])
    roll = prng.random()
    if country.code == report_country and roll < national_rate:
        spaced = _groups(nsn, plan.groups)
        return f"{country.trunk_prefix}{spaced}" if prng.random() < 0.7 else f"{country.trunk_prefix}{nsn}"
    if roll < national_rate + (1 - national_rate) / 2:
        return f"+{country.dial_code} {_groups(nsn, plan.groups)}"
    return e164


def fill_pattern(pattern: str, prng: random.Random, letters: str = _LETTERS) -> str:
    """Fill '#' with digits and '@' with letters from `letters`; other characters are kept."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(prng.randrange(10)))
        elif ch == "@":
            out.append(prng.choice(letters))
        else:
            out.append(ch)
    return "".join(out)


def passport_number(country: Country, prng: random.Random) -> str:
    return fill_pattern(country.passport_pattern, prng, country.passport_letters)


def licence_number(country: Country, prng: random.Random) -> str:
    return fill_pattern(country.licence_pattern, prng)


def passport_slip(number: str, prng: random.Random) -> str:
    """A passport number copied by hand: O for 0, I for 1, or a dropped digit."""
    swaps = {"0": "O", "1": "I", "5": "S", "8": "B"}
    positions = [i for i, ch in enumerate(number) if ch in swaps]
    if positions and prng.random() < 0.7:
        i = prng.choice(positions)
        return number[:i] + swaps[number[i]] + number[i + 1 :]
    i = prng.randrange(len(number))
    return number[:i] + number[i + 1 :]
