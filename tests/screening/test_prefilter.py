"""The keyword prefilter: literals derived from patterns, and identical results with and without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tiaki.screening import detect
from tiaki.screening.detector import _Windows
from tiaki.screening.prefilter import (
    LiteralFinder,
    first_chars,
    further_literals,
    literal_finder,
    make_gate,
    necessary_literals,
    pattern_set,
    prefix_literals,
    uncrossable,
    with_first_chars,
)

EVAL_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "screening_eval"


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\b(?:took|taken?)\s+(?:\w+\s+){0,3}?(?:passports?|visas?)", {"passport", "visa"}),
        (r"\bno (?:phone|mobile)\b", {"no "}),
        (r"\w+ing", {"ing"}),
        (r"(?=[^.]{0,20}\bpaid\b)\bwork", {"paid"}),  # a positive look-ahead's text is in the text too
    ],
)
def test_every_match_contains_one_of_the_literals(pattern: str, literals: set[str]) -> None:
    assert necessary_literals(pattern) == literals


@pytest.mark.parametrize("pattern", [r"(?:a|b)?", r"\w+", r"(?i)passport", r"(?!no)\w+"])
def test_patterns_without_a_provable_literal_always_run(pattern: str) -> None:
    assert necessary_literals(pattern) is None


def test_separators_a_pattern_cannot_cross() -> None:
    assert uncrossable(r"\bpaid\b[^.;!?\n]{0,40}?\bnothing") == ".!?;\n"
    assert uncrossable(r"\bpaid\b.{0,40}?\bnothing") == ""
    assert uncrossable(r"^paid") == ""  # anchors behave differently inside a window


def test_gate_finds_every_occurrence() -> None:
    gate = make_gate(frozenset({"passport", "visa", "pass"}))
    assert gate is not None
    assert gate.literals == ("pass", "visa")  # "passport" contains "pass": the shorter one suffices
    assert gate.admits("my visa expired") and not gate.admits("my id card")


def test_no_gate_on_a_single_character() -> None:
    # A space or a single letter is in almost every sentence: such a pattern runs everywhere instead.
    assert make_gate(frozenset({"passport", " "})) is None
    assert make_gate(frozenset({"a", "visa"})) is None
    assert make_gate(frozenset({"ab", "z"})) is None
    assert make_gate(frozenset({"ya", "visa"})) is not None


def test_literal_finder_reports_overlapping_and_nested_occurrences() -> None:
    finder = LiteralFinder(["pass", "passport", "port", "absent"])
    found = finder.positions("my passport, his passport and the port")
    assert found == {"pass": [3, 17], "passport": [3, 17], "port": [7, 21, 34]}  # "absent" is absent
    assert LiteralFinder([]).positions("anything") == {}


def test_first_characters_of_a_pattern() -> None:
    assert first_chars(r"\b(?:passports?|visa)\b") == {"p", "v"}
    assert first_chars(r"(?:very\s+)?hard\b") == {"v", "h"}  # an optional start adds the next one
    assert first_chars(r"[a-c]x|(?<!\w)y") == {"a", "b", "c", "y"}
    assert first_chars(r"\w+ing") is None  # a category: unbounded
    assert first_chars(r"(?:x)?") is None  # can match nothing


def test_first_character_look_ahead_changes_no_match() -> None:
    parts = [r"\bkept (?:my|our) passports?\b", r"\b(?:took|seized) (?:\w+ )?phones?\b", r"no ?pay\b"]
    text = "they kept our passports and took all phones, no pay, nopay; xkept my passport"
    plain = re.compile("|".join(parts))
    fast = re.compile(with_first_chars(parts, [first_chars(p) for p in parts]))
    assert fast.pattern.startswith("(?=[")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert with_first_chars(["a", r"\w"], [first_chars("a"), first_chars(r"\w")]) == r"a|\w"


def test_pattern_set_keeps_each_alternatives_gate_and_cuts_down_to_a_subset() -> None:
    patterns = pattern_set([r"\btook (?:my|our) passports?\b", r"\bno (?:phone|mobile)\b", r"\w+ing"])
    assert patterns is not None
    assert [g.literals if g else None for g in patterns.gates] == [(" passport",), ("no ",), ("ing",)]
    assert patterns.subset(0b101).pattern == r"\btook (?:my|our) passports?\b|\w+ing"
    assert patterns.subset(0b111) is patterns.regex


def test_further_literals_are_the_other_words_every_match_needs() -> None:
    pattern = r"\bkept\s+(?:my|our)\s+passports?\b"
    gate = make_gate(necessary_literals(pattern), ".")
    assert gate is not None and gate.literals == ("passport",)
    assert further_literals(pattern, gate) == (("kept",),)
    # Sets of one- or two-character literals are in almost every sentence: not worth checking.
    assert further_literals(r"\bno\s+paid\s+leave\b", make_gate(frozenset({"leave"}), ".")) == (("paid",),)


def test_a_part_runs_only_on_the_sentences_holding_every_literal_it_needs() -> None:
    # The leading optional word leaves this part without prefix literals: it is run on sentences.
    patterns = pattern_set([r"(?:\w+\s)?kept\s+(?:my|our)\s+passports?\b", r"(?:\w+\s)?no phone\b"])
    assert patterns is not None and patterns.prefixes == (None, None)
    finder = literal_finder([patterns])

    def plan(text: str) -> list[tuple[int, list[tuple[int, int]]]]:
        windows = _Windows(text, True)
        windows.find_literals(finder)
        return windows.plan_each(patterns)

    # "kept" and "passport" occur, but never in one sentence: the passport pattern does not run.
    assert plan("they kept the keys. my passport is at home. no phone here.") == [(1, [(43, 57)])]
    text = "no phone. the boss kept our passports. i kept quiet."
    assert plan(text) == [(0, [(9, 37)]), (1, [(0, 8)])]
    assert detect(text, "en") == detect(text, "en", prefilter=False)


def test_a_look_behind_literal_does_not_gate_a_part() -> None:
    # The look-behind's "promised" sits in the sentence before the match: gating the part on it would
    # run the part on that sentence only, where the match is not.
    patterns = pattern_set([r"(?<=promised\s)\w*kept\b"])
    assert patterns is not None and patterns.prefixes == (None,)
    assert patterns.gates[0] is not None and patterns.gates[0].literals == ("kept",)
    text = "they promised\nkept us"
    windows = _Windows(text, True)
    windows.find_literals(literal_finder([patterns]))
    [(part, spans)] = windows.plan_each(patterns)
    assert any(patterns.compiled[part].search(text, lo, hi) for lo, hi in spans)


def test_a_part_with_prefix_literals_is_tried_only_where_they_occur() -> None:
    patterns = pattern_set([r"\bkept\s+(?:my|our)\s+passports?\b", r"\b(?:no|lost) phone\b"])
    assert patterns is not None and patterns.prefixes == (("kept",), ("lost phone", "no phone"))
    windows = _Windows("no phone. the boss kept our passports. i kept quiet, no phone.", True)
    windows.find_literals(literal_finder([patterns]))
    assert windows.anchored(patterns) == [(0, [19, 41]), (1, [0, 53])]
    assert windows.plan_each(patterns) == []  # both parts are anchored


def test_prefixes_reach_past_optional_and_repeated_parts() -> None:
    # An optional leading word: a match starts with it or with what follows it.
    assert prefix_literals(r"\b(?:national |id )?cards?\b") == ("card", "id ", "national ")
    # An optional ending does not lengthen the prefix: "owe" alone may match.
    assert prefix_literals(r"\bowe[sd]?\s+(?:\w+\s+){0,2}?the\s+broker") == ("owe",)
    # A repeat of at least one: every match starts with a prefix of its first round.
    assert prefix_literals(r"(?:very\s+)+far\b") == ("very",)
    # A leading character class of letters is not worth anchoring on.
    assert prefix_literals(r"\w+\s+kept") is None
    text = "they kept my id card. the national card and the card were kept too."
    assert detect(text, "en") == detect(text, "en", prefilter=False)


def _labelled_texts() -> list[str]:
    texts = []
    for path in sorted(EVAL_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def test_prefilter_changes_no_result_on_any_labelled_narrative() -> None:
    texts = _labelled_texts()
    assert len(texts) >= 700
    joined = [" ".join(texts[i : i + 6]) for i in range(0, len(texts), 6)]  # longer, mixed narratives too
    for text in texts + joined:
        assert detect(text) == detect(text, prefilter=False), text


def test_prefilter_changes_no_keyword_baseline_result() -> None:
    for text in _labelled_texts()[:200]:
        assert detect(text, context=False) == detect(text, context=False, prefilter=False), text


def test_a_cue_list_is_searched_only_in_windows_holding_one_of_its_literals() -> None:
    cues = pattern_set([r"\bdocumentar(?:y|ies)\b", r"\bin the news\b"])
    ungated = pattern_set([r"\b[a-z]{12,}\b"])
    assert cues is not None and ungated is not None
    finder = literal_finder([], cues=[cues, ungated])
    text = "a documentary. then the boss kept our passports. it was in the news."
    windows = _Windows(text, True)
    windows.find_literals(finder)
    assert windows.cue_gates(cues) == [text.index("documentar"), text.index("in the news")]
    assert windows.cue_gates(ungated) is None  # a part without a literal can match anywhere: always searched


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The documentary said the boss took their passports and kept them.", False),
        ("I watched a documentary last night. The boss took our passports and kept them.", True),
        ("The boss took our passports and kept them.", True),
    ],
)
def test_sentence_wide_exclusions_hold_with_and_without_their_gate(text: str, kept: bool) -> None:
    result = detect(text, "en", model=False)
    assert ("retention_of_identity_documents" in result.codes) is kept
    assert result == detect(text, "en", model=False, prefilter=False)


def test_a_cue_list_is_tried_where_its_parts_can_start() -> None:
    cues = pattern_set([r"\bdocumentar(?:y|ies)\b", r"\bin the news\b", r"\b[a-z]+ said so\b"])
    assert cues is not None and cues.prefixes[2] is None  # the third part is searched, not anchored
    finder = literal_finder([], cues=[cues])
    text = "a documentary. then the boss kept our passports. it was in the news. she said so."
    windows = _Windows(text, True)
    windows.find_literals(finder)
    anchors = windows.cue_anchors(cues)
    assert anchors == {0: [text.index("documentar")], 1: [text.index("in the news")]}
    # The same answer as searching the whole list, in every window of the text.
    for lo in range(0, len(text), 3):
        for hi in range(lo, len(text) + 1, 4):
            expected = cues.regex.search(text, lo, hi) is not None
            assert cues.search_anchored(text, lo, hi, anchors) is expected, (lo, hi)
    other = pattern_set([r"\bother\b"])
    assert other is not None and windows.cue_anchors(other) is None  # a list no finder anchored
    assert _Windows(text, False).cue_anchors(cues) is None  # no finder: searched whole
