"""Word and syllable boundaries for scripts written without spaces between words (Thai, Burmese)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A Burmese syllable starts at a consonant, independent vowel, digit or sign that is not stacked under a
# virama and does not carry an asat (which closes the previous syllable) or a virama itself.
MYANMAR_SYLLABLE_START = re.compile(
    r"(?<!\u1039)[\u1000-\u102A\u103F\u104C-\u104F\u1040-\u1049\u104A\u104B](?![\u103A\u1039])"
)

_NON_MYANMAR = re.compile(r"[^\u1000-\u109f]+")


def is_word_char(ch: str) -> bool:
    """Letters, digits, combining marks and the joiners scripts such as Sinhala use inside words."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in "\u200c\u200d"


def myanmar_syllable_boundaries(text: str, offset: int = 0) -> set[int]:
    """Offsets (shifted by `offset`) where a Burmese syllable or a non-Myanmar stretch begins or ends."""
    bounds = {offset, offset + len(text)}
    bounds.update(offset + m.start() for m in MYANMAR_SYLLABLE_START.finditer(text))
    for m in _NON_MYANMAR.finditer(text):
        bounds.update(range(offset + m.start(), offset + m.end() + 1))
    return bounds


@lru_cache(maxsize=4096)
def _thai_tokens(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True))


def thai_word_boundaries(text: str, offset: int = 0) -> set[int]:
    """Offsets where a Thai word (pythainlp newmm dictionary segmentation) begins or ends."""
    bounds = {offset}
    pos = offset
    for token in _thai_tokens(text):
        pos += len(token)
        bounds.add(pos)
    return bounds
