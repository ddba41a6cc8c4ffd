"""Language identification: by script where it decides, otherwise lingua among the languages we screen."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from tiaki.screening.rules import load_all_rules

# Only the first part of a long text is needed to tell the language; this bounds time on 1 MB inputs.
SAMPLE_CHARS = 4000
# Lingua also knows Māori, a Tiaki language without screening rules yet; detecting it stops Māori text
# being mislabelled as English or Malay.
EXTRA_LINGUA = {"mi": "MAORI"}
# S'gaw Karen letters and tone marks absent from Burmese (Unicode Myanmar block, Karen range).
_KAREN_CHARS = re.compile("[\u1061-\u106d]")


_SCRIPT_CLASSES: dict[str, re.Pattern[str]] = {
    "Thai": re.compile(r"[\u0E00-\u0E7F]"),
    "Myanmar": re.compile(r"[\u1000-\u109F\uAA60-\uAA7F\uA9E0-\uA9FF]"),
    "Sinhala": re.compile(r"[\u0D80-\u0DFF]"),
    "Tamil": re.compile(r"[\u0B80-\u0BFF]"),
    "Latin": re.compile(r"[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]"),
}
_NOT_LATIN = re.compile(r"[^A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF\s'-]+")
_VIETNAMESE_LETTERS = re.compile(r"[ăĂđĐơƠưƯ\u1EA0-\u1EF9]")
# Lingua is accurate on a few hundred letters; longer samples only cost time.
LINGUA_SAMPLE_CHARS = 400


def script_counts(text: str) -> Counter[str]:
    """Letters per script in the first SAMPLE_CHARS characters."""
    sample = text[:SAMPLE_CHARS]
    counts: Counter[str] = Counter()
    for script, pattern in _SCRIPT_CLASSES.items():
        n = len(pattern.findall(sample))
        if n:
            counts[script] = n
    return counts


@cache
def _lingua_detector() -> Any:
    # Built once, lazily, and only for the Latin-script languages we have rules for (plus EXTRA_LINGUA):
    # fewer candidate models means faster and more accurate decisions.
    from lingua import Language, LanguageDetectorBuilder

    names = {rules.lingua for rules in load_all_rules().values() if rules.lingua}
    names |= set(EXTRA_LINGUA.values())
    languages = [getattr(Language, name) for name in sorted(names)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


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
    found = _lingua_detector().detect_language_of(latin)
    if found is None:
        return "und"
    return _lingua_codes().get(found.name, "und")
