"""Dates of birth as written by partners: full, year-month or year only, in several orders and calendars."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_NUM = re.compile(r"\d+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙၀၁၂၃၄၅၆၇၈၉", "01234567890123456789")
# Thai documents count years in the Buddhist era (543 years ahead); a year past 2400 is one of those.
_BUDDHIST_ERA_OFFSET = 543


@dataclass(frozen=True)
class BirthDate:
    """A date of birth at the precision it was given ("year", "month" or "day")."""

    original: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    # The digits as written, in year-month-day order, even when they are not a valid date
    # ("1862-06-44"): a one-digit typo should still count as near agreement.
    digits: str = ""

    @property
    def precision(self) -> str:
        if self.year is None:
            return ""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    @property
    def iso(self) -> str:
        """YYYY-MM-DD, YYYY-MM or YYYY according to precision; empty when unknown."""
        if self.year is None:
            return ""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out

    @property
    def swapped(self) -> str:
        """The full date with day and month exchanged, when that is also a date (03/04 vs 04/03)."""
        if (
            self.day is None
            or self.month is None
            or self.year is None
            or self.day > 12
            or self.day == self.month
        ):
            return ""
        return f"{self.year:04d}-{self.day:02d}-{self.month:02d}"


def _year(value: int, two_digit: bool) -> int | None:
    if two_digit:
        # Two-digit years of birth: assume the person is under 100 today.
        this_year = date.today().year % 100
        return 2000 + value if value <= this_year else 1900 + value
    if value > 2400:
        value -= _BUDDHIST_ERA_OFFSET
    # Historical records (and data-entry slips) go far back; only impossible years are refused.
    return value if 1000 <= value <= date.today().year else None


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if year is None:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=262144)
def parse_birth_date(raw: str | None) -> BirthDate:
    """Parse a date of birth; unparseable input gives an empty date with the original kept."""
    original = "" if raw is None else str(raw)
    text = original.strip().lower().translate(_THAI_DIGITS)
    if not text:
        return BirthDate(original=original)
    month_name = next((num for name, num in _MONTHS.items() if re.search(rf"\b{name}\b", text)), None)
    numbers = _NUM.findall(text)
    year = month = day = None
    if month_name is not None:
        rest = [n for n in numbers]
        year_str = next((n for n in rest if len(n) == 4), None)
        if year_str:
            rest.remove(year_str)
            year = _year(int(year_str), False)
        elif rest:
            year = _year(int(rest.pop()), True)
        month = month_name
        day = int(rest[0]) if rest else None
    elif len(numbers) == 1 and len(numbers[0]) == 8:
        n = numbers[0]
        # 19900314 (ISO basic) or 14031990
        if 1000 <= int(n[:4]) <= 2600:
            year, month, day = _year(int(n[:4]), False), int(n[4:6]), int(n[6:])
        else:
            day, month, year = int(n[:2]), int(n[2:4]), _year(int(n[4:]), False)
    elif len(numbers) == 1 and len(numbers[0]) == 4:
        year = _year(int(numbers[0]), False)
    elif len(numbers) == 2:
        a, b = numbers
        if len(a) == 4:
            year, month = _year(int(a), False), int(b)
        elif len(b) == 4:
            month, year = int(a), _year(int(b), False)
    elif len(numbers) >= 3:
        a, b, c = numbers[:3]
        if len(a) == 4:
            year, month, day = _year(int(a), False), int(b), int(c)
        else:
            # Day first is the convention across the region (and in HTCDS); month first only
            # when the first number cannot be a month... that is, when the second cannot be.
            first, second = int(a), int(b)
            day, month = (second, first) if second > 12 and first <= 12 else (first, second)
            year = _year(int(c), len(c) <= 2)
    digits = f"{year:04d}{month:02d}{day:02d}" if year and month and day and month < 100 and day < 100 else ""
    if not _valid(year, month, day):
        if _valid(year, month, None):
            return BirthDate(original=original, year=year, month=month, digits=digits)
        if year is not None:
            return BirthDate(original=original, year=year, digits=digits)
        return BirthDate(original=original, digits=digits)
    return BirthDate(original=original, year=year, month=month, day=day, digits=digits)
