"""Phone numbers to E.164, with the reporting partner's country as the default region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_DIGITS = re.compile(r"\D+")
# The last digits of a subscriber number survive every way of writing the prefix (0, +84, 0084, 84):
# they let a number written without its country meet the same number written with it.
TAIL_DIGITS = 8


@dataclass(frozen=True)
class PhoneKeys:
    """A phone number as written, its E.164 form when valid, and a flag when it is not."""

    original: str
    e164: str = ""
    digits: str = ""
    tail: str = ""
    valid: bool = False
    region: str = ""


@lru_cache(maxsize=262144)
def normalise_phone(
    raw: str | None, default_region: str | None = None, fallback_region: str | None = None
) -> PhoneKeys:
    """Parse raw with default_region (then fallback_region); invalid numbers are kept and flagged."""
    original = "" if raw is None else str(raw)
    text = original.strip()
    digits = _DIGITS.sub("", text)
    if not digits:
        return PhoneKeys(original=original)
    if text.startswith("00"):
        text = "+" + text[2:].lstrip()
    regions: list[str | None] = []
    for region in (default_region, fallback_region):
        region = (region or "").strip().upper() or None
        if region not in regions:
            regions.append(region)
    if None not in regions:
        regions.append(None)
    candidates = []
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return PhoneKeys(
                original=original,
                e164=e164,
                digits=digits,
                tail=e164[-TAIL_DIGITS:],
                valid=True,
                region=phonenumbers.region_code_for_number(number) or "",
            )
        candidates.append(number)
    # Invalid: keep the digits so that two copies of the same mistyped number still meet.
    return PhoneKeys(original=original, digits=digits, tail=digits[-TAIL_DIGITS:] if len(digits) >= 6 else "")
