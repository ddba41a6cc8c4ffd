"""Language identification: by script where it decides, otherwise lingua among the languages we screen."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

import numpy as np

from tiaki.screening.rules import load_all_rules

# Only the first part of a long text is needed to tell the language; this bounds time on 1 MB inputs.
SAMPLE_CHARS = 4000
# Lingua also knows Māori, a Tiaki language without screening rules yet; detecting it stops Māori text
# being mislabelled as English or Malay.
EXTRA_LINGUA = {"mi": "MAORI"}
# S'gaw Karen letters and tone marks absent from Burmese (Unicode Myanmar block, Karen range).
_KAREN_CHARS = re.compile("[\u1061-\u106d]")


# Letters of each screened script, as code point ranges.
_SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "Thai": ((0x0E00, 0x0E7F),),
    "Myanmar": ((0x1000, 0x109F), (0xAA60, 0xAA7F), (0xA9E0, 0xA9FF)),
    "Sinhala": ((0x0D80, 0x0DFF),),
    "Tamil": ((0x0B80, 0x0BFF),),
    "Latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)),
}
_NOT_LATIN = re.compile(r"[^A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF\s'-]+")
_VIETNAMESE_LETTERS = re.compile(r"[ăĂđĐơƠưƯ\u1EA0-\u1EF9]")
# Lingua is accurate on a few hundred letters; longer samples only cost time.
LINGUA_SAMPLE_CHARS = 250
# Function words that settle the common cases without lingua (which costs most of the time of screening a
# short Latin-script text). A text is decided by them only when one family clearly dominates; otherwise,
# and always between Malay and Indonesian, lingua decides.
_FUNCTION_WORDS = {
    "en": frozenset(
        "the and was were is are to of my we i they he she me us in for with not that it his her their "
        "our at on from had have been would did this".split()
    ),
    "ms_id": frozenset(
        "yang dan saya di tidak kami itu ke dengan untuk ini ada dia mereka kita sudah akan tak dari "
        "pada juga atau kalau".split()
    ),
    "mi": frozenset(
        "te ngā nga ka ki ā o kāore kaore ahau mātou matou ia rātou ratou kei ana tōku taku".split()
    ),
    # Vietnamese typed without diacritics ("khong dau"), which the letter test above cannot see.
    "vi": frozenset(
        "toi khong cua va la cho duoc nguoi nhung cac mot da bi em chung nay roi thi trong voi minh "
        "ong ba chi anh dang se cung nen vi".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
FUNCTION_WORD_MIN = 4
FUNCTION_WORD_RATIO = 3


# One pass instead of one regex per script: each code point's script, looked up in a table (0: none of
# them; code points beyond the table are none of them either), counted with numpy. Translating each letter
# to a one-letter tag and counting the tags took three times as long (thirty-first session).
_SCRIPTS = tuple(_SCRIPT_RANGES)
_TABLE_END = max(b for ranges in _SCRIPT_RANGES.values() for _a, b in ranges) + 1


def _script_table() -> np.ndarray:
    table = np.zeros(_TABLE_END + 1, dtype=np.intp)
    for number, ranges in enumerate(_SCRIPT_RANGES.values(), start=1):
        for a, b in ranges:
            table[a : b + 1] = number
    return table


_SCRIPT_OF = _script_table()


def script_counts(text: str) -> Counter[str]:
    """Letters per script in the first SAMPLE_CHARS characters."""
    code_points = np.frombuffer(text[:SAMPLE_CHARS].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    counts = np.bincount(_SCRIPT_OF[np.minimum(code_points, _TABLE_END)], minlength=len(_SCRIPTS) + 1)
    return Counter({script: n for script, n in zip(_SCRIPTS, counts[1:].tolist(), strict=True) if n})


@cache
def _lingua_detector(only: frozenset[str] | None = None) -> Any:
    # Built once, lazily, and only for the Latin-script languages we have rules for (plus EXTRA_LINGUA):
    # fewer candidate models means faster and more accurate decisions. `only` narrows further.
    from lingua import Language, LanguageDetectorBuilder

    names = {rules.lingua for rules in load_all_rules().values() if rules.lingua}
    names |= set(EXTRA_LINGUA.values())
    if only is not None:
        names &= only
    languages = [getattr(Language, name) for name in sorted(names)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _function_word_family(text: str) -> str | None:
    """ "en", "ms_id", "mi" or "vi" when that family's function words clearly dominate the sample, else
    None."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text.lower()):
        for family, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[family] += 1
    best = max(counts, key=lambda family: counts[family])
    others = sum(counts.values()) - counts[best]
    if counts[best] >= FUNCTION_WORD_MIN and counts[best] >= FUNCTION_WORD_RATIO * max(others, 1):
        return best
    return None


def _lingua_codes() -> dict[str, str]:
    codes = {rules.lingua: code for code, rules in load_all_rules().items() if rules.lingua}
    codes.update({name: code for code, name in EXTRA_LINGUA.items()})
    return codes


def detect_language(text: str, counts: Counter[str] | None = None) -> str:
    """ISO 639 code of the text's main language, or "und" when there is nothing to go on."""
    counts = script_counts(text) if counts is None else counts
    if not counts:
        return "und"
    script = counts.most_common(1)[0][0]
    if script == "Myanmar":
        sample = text[:SAMPLE_CHARS]
        return "ksw" if _KAREN_CHARS.search(sample) else "my"
    if script != "Latin":
        for code, rules in load_all_rules().items():
            if rules.script == script:
                return code
        return "und"
    # Vietnamese is the only Latin-script language here with these letters; no model needed.
    vietnamese = len(_VIETNAMESE_LETTERS.findall(text[:SAMPLE_CHARS]))
    if "vi" in load_all_rules() and vietnamese >= max(3, counts["Latin"] // 25):
        return "vi"
    latin = " ".join(_NOT_LATIN.sub(" ", text[:SAMPLE_CHARS]).split())[:LINGUA_SAMPLE_CHARS]
    family = _function_word_family(latin)
    all_rules = load_all_rules()
    if family in ("en", "vi") and family in all_rules:
        return family
    if family == "ms_id" and "ms" in all_rules and "id" in all_rules:
        pair = frozenset(name for name in (all_rules["ms"].lingua, all_rules["id"].lingua) if name)
        found = _lingua_detector(pair).detect_language_of(latin)
    else:
        found = _lingua_detector().detect_language_of(latin)
    if found is None:
        return "und"
    return _lingua_codes().get(found.name, "und")
