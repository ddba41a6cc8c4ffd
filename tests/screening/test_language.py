"""Letters per script, which choose a text's rule sets and language."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from tiaki.screening.language import _SCRIPT_RANGES, script_counts

# Each script's letters alone, and characters of no screened script (digits, punctuation, Devanagari, CJK).
_LETTERS = {
    script: st.text(
        st.one_of(*(st.characters(min_codepoint=a, max_codepoint=b) for a, b in ranges)), max_size=12
    )
    for script, ranges in _SCRIPT_RANGES.items()
}
_OTHER = st.text(st.sampled_from(" 0123456789.,!?\n\u0915\u4e2d\u00d7\u00f7\u2014"), max_size=6)


@given(st.lists(st.one_of(_OTHER, *_LETTERS.values()), max_size=12).map("".join))
def test_script_counts_count_each_scripts_letters(text: str) -> None:
    """Counted in one pass through a table of one-letter tags, which are Latin letters themselves (a Latin
    "T" must not count as Thai); the answer is each script's own letters, counted one script at a time."""
    expected = Counter()
    for script, ranges in _SCRIPT_RANGES.items():
        letters = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")
        if n := len(letters.findall(text)):
            expected[script] = n
    assert script_counts(text) == expected


def test_capital_letters_that_name_scripts_count_as_latin() -> None:
    assert script_counts("TMSNL ทม") == Counter({"Latin": 5, "Thai": 2})
