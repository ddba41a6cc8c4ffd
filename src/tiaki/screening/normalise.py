"""Text normalisation (Unicode NFC, Zawgyi to Unicode) that keeps a map back to the original offsets."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

# A run of Myanmar-block characters (Zawgyi reuses the same code points with different meanings).
_MYANMAR_RUN = re.compile(r"[\u1000-\u109F\uAA60-\uAA7F\uA9E0-\uA9FF]+")
# Zawgyi typed order puts E vowel and medial RA before the consonant: a syllable starts at any of them
# or at a consonant not directly preceded by one of them, and not followed by asat/stacking marks.
_ZAWGYI_SYLLABLE_START = re.compile(
    r"(?<![\u1031\u103B\u107E-\u1084\u1039])(?:[\u1031\u103B\u107E-\u1084]|[\u1000-\u1021\u1023-\u102A\u104C-\u104F](?![\u103A\u1039\u1064\u1094\u1095]))"
)
# A Burmese sentence: Myanmar letters and the spaces between them, up to a section mark (၊ ။) or newline.
_MYANMAR_LETTER = "\u1000-\u1049\u104c-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff"
_MYANMAR_SENTENCE = re.compile(f"[{_MYANMAR_LETTER}](?:[{_MYANMAR_LETTER} \t]*[{_MYANMAR_LETTER}])?")
# Sequences Unicode Burmese never contains but Zawgyi typing does: a virama used as a visible asat, the
# E vowel or medial RA typed before the consonant, and Zawgyi's private stacked-letter code points.
_ZAWGYI_HINT = re.compile(
    "\u1039(?![\u1000-\u1021])|(?<![\u1000-\u103f\u1050-\u109f])\u1031|"
    "(?<![\u1000-\u1021\u103f])\u103b|[\u105a-\u1097]"
)
ZAWGYI_THRESHOLD = 0.95
ZAWGYI_SAMPLE_CHARS = 400


@dataclass(frozen=True)
class MappedText:
    """Normalised text plus, for each of its characters, the original [start, end) it came from."""

    original: str
    text: str
    starts: tuple[int, ...] | None  # None means the identity map (the common, fast case)
    ends: tuple[int, ...] | None
    zawgyi: bool = False

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


@cache
def _zawgyi_detector() -> Any:
    import warnings

    from myanmartools import ZawgyiDetector

    # myanmartools loads its model with a deprecated importlib API; the warning is theirs to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ZawgyiDetector()


def zawgyi_probability(text: str) -> float:
    """Probability (0..1) that a Myanmar-script text is Zawgyi-encoded."""
    return float(_zawgyi_detector().get_zawgyi_probability(text))


def _zawgyi_to_unicode(text: str) -> str:
    from myanmar.converter import convert

    return str(convert(text, "zawgyi", "unicode"))


def _convert_run(run: str) -> list[tuple[str, int, int]]:
    """Convert one Zawgyi run as pieces (unicode_text, start, end) relative to the run.

    Converting syllable by syllable gives fine-grained offsets; if that disagrees with converting the
    whole run (the converter reorders across a boundary we guessed wrong), fall back to the whole run so
    the text we match is always the converter's answer.
    """
    cuts = [m.start() for m in _ZAWGYI_SYLLABLE_START.finditer(run)]
    if not cuts or cuts[0] != 0:
        cuts.insert(0, 0)
    cuts.append(len(run))
    pieces = [(_zawgyi_to_unicode(run[a:b]), a, b) for a, b in itertools.pairwise(cuts) if b > a]
    whole = _zawgyi_to_unicode(run)
    if "".join(p[0] for p in pieces) != whole:
        return [(whole, 0, len(run))]
    return pieces


_CHUNK = re.compile(r"\S+|\s+")


def _nfc_pieces(segment: str, offset: int) -> list[tuple[str, int, int]]:
    # Only chunks that NFC changes are split per starter-led cluster (each output character then maps
    # to the cluster it came from); the rest map one to one, which keeps this fast on long texts.
    pieces: list[tuple[str, int, int]] = []
    for chunk in _CHUNK.finditer(segment):
        text, base = chunk.group(), offset + chunk.start()
        if unicodedata.is_normalized("NFC", text):
            pieces.append((text, base, -1))  # -1: identity map over len(text) characters
            continue
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or unicodedata.combining(text[i]) == 0:
                pieces.append((unicodedata.normalize("NFC", text[start:i]), base + start, base + i))
                start = i
    return pieces


def _zawgyi_segments(text: str, force: bool | None) -> list[tuple[int, int]]:
    """Spans of Myanmar-script sentences to convert from Zawgyi (decided sentence by sentence)."""
    if force is False or not _MYANMAR_RUN.search(text):
        return []
    spans = []
    for seg in _MYANMAR_SENTENCE.finditer(text):
        body = seg.group()
        # The statistical detector is the judge; the hint regex only skips it for text that cannot be
        # Zawgyi-specific (most Unicode Burmese), which keeps screening fast.
        if force or (
            _ZAWGYI_HINT.search(body) and zawgyi_probability(body[:ZAWGYI_SAMPLE_CHARS]) >= ZAWGYI_THRESHOLD
        ):
            spans.append(seg.span())
    return spans


def normalise(text: str, *, zawgyi: bool | None = None) -> MappedText:
    """NFC-normalise and convert Zawgyi-encoded Burmese sentences to Unicode, keeping an offset map.

    `zawgyi=None` decides per sentence with myanmartools' detector; True/False forces the choice.
    """
    segments = _zawgyi_segments(text, zawgyi)
    if not segments and unicodedata.is_normalized("NFC", text):
        return MappedText(text, text, None, None)
    pieces: list[tuple[str, int, int]] = []
    pos = 0
    for seg_start, seg_end in segments:
        for m in _MYANMAR_RUN.finditer(text, seg_start, seg_end):
            pieces.extend(_nfc_pieces(text[pos : m.start()], pos))
            pieces.extend((out, m.start() + a, m.start() + b) for out, a, b in _convert_run(m.group()))
            pos = m.end()
    pieces.extend(_nfc_pieces(text[pos:], pos))
    out_chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for piece, a, b in pieces:
        out_chars.append(piece)
        if b == -1:
            starts.extend(range(a, a + len(piece)))
            ends.extend(range(a + 1, a + len(piece) + 1))
        else:
            starts.extend([a] * len(piece))
            ends.extend([b] * len(piece))
    return MappedText(text, "".join(out_chars), tuple(starts), tuple(ends), zawgyi=bool(segments))
