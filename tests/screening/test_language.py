"""Letters per script, which choose a text's rule sets and language."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from tiaki.screening.language import _SCRIPT_RANGES, SAMPLE_CHARS, script_counts

# Each script's letters alone, and characters of no screened script (digits, punctuation, Devanagari, CJK,
# a lone surrogate as JSON may carry, an emoji beyond the table of scripts).
_LETTERS = {
    script: st.text(
        st.one_of(*(st.characters(min_codepoint=a, max_codepoint=b) for a, b in ranges)), max_size=12
    )
    for script, ranges in _SCRIPT_RANGES.items()
}
_OTHER = st.text(
    st.sampled_from(" 0123456789.,!?\n\u0915\u4e2d\u00d7\u00f7\u2014\ud800\U0001f600"), max_size=6
)


@given(st.lists(st.one_of(_OTHER, *_LETTERS.values()), max_size=12).map("".join))
def test_script_counts_count_each_scripts_letters(text: str) -> None:
    """Counted in one pass through a table of code points; the answer is each script's own letters, counted
    one script at a time."""
    expected = Counter()
    for script, ranges in _SCRIPT_RANGES.items():
        letters = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")
        if n := len(letters.findall(text)):
            expected[script] = n
    assert script_counts(text) == expected


def test_script_counts_read_only_the_sample() -> None:
    assert script_counts("ab ทม") == Counter({"Latin": 2, "Thai": 2})
    assert script_counts("a" * SAMPLE_CHARS + "ทม") == Counter({"Latin": SAMPLE_CHARS})
