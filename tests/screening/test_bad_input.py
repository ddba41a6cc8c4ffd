"""Bad input never crashes screening: empty, huge, binary, mixed-script and Zawgyi text (incl. Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from myanmar.converter import convert

from tiaki.screening import ScreeningInputError, ScreeningResult, detect
from tiaki.screening.batch import decode_text, screen_jsonl
from tiaki.screening.detector import MAX_TEXT_CHARS
from tiaki.screening.taxonomy import LEVELS

UNICODE_BURMESE = "အလုပ်ရှင်က ကျွန်တော်တို့ရဲ့ ပတ်စ်ပို့တွေကို သိမ်းယူထားပြီး လစာ မပေးဘူး။"


def assert_well_formed(text: str, result: ScreeningResult) -> None:
    assert isinstance(result.language, str) and result.language
    assert 0.0 <= result.score <= 1.0
    assert result.level in LEVELS
    assert (result.level == "none") == (result.score == 0.0)
    for ind in result.indicators:
        assert 0 <= ind.start < ind.end <= len(text)
        assert text[ind.start : ind.end] == ind.evidence
        assert ind.strength in ("strong", "medium", "weak")


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text_gives_an_empty_result(text: str) -> None:
    result = detect(text)
    assert (result.language, result.indicators, result.score, result.level, result.notes) == (
        "und",
        (),
        0.0,
        "none",
        ("empty_text",),
    )


def test_one_megabyte_of_text_is_screened() -> None:
    unit = "We were happy at work and the manager was kind. Then they took my passport. "
    text = (unit * (1_048_576 // len(unit) + 1))[:1_048_576]
    result = detect(text, model=False)  # the rules' every match (the text model may overrule them all)
    assert_well_formed(text, result)
    assert result.language == "en"
    hits = [ind for ind in result.indicators if ind.code == "retention_of_identity_documents"]
    assert len(hits) == text.count("took my passport")
    assert (hits[0].start, hits[0].end) == (58, 74)
    reviewed = detect(text)
    assert_well_formed(text, reviewed)
    assert set(reviewed.indicators) <= set(result.indicators)


def test_text_over_the_limit_is_a_clear_error() -> None:
    with pytest.raises(ScreeningInputError, match=f"the limit is {MAX_TEXT_CHARS}"):
        detect("a" * (MAX_TEXT_CHARS + 1))


def test_bytes_are_refused_with_a_clear_error() -> None:
    with pytest.raises(ScreeningInputError, match="text must be a str, not bytes"):
        detect(b"they took my passport")  # type: ignore[arg-type]


def test_invalid_utf8_is_a_clear_error() -> None:
    with pytest.raises(ScreeningInputError, match=r"not valid UTF-8 \(bad byte at offset 3\)"):
        decode_text(b"abc\xff\xfe\x00garbage")


def test_control_characters_do_not_break_offsets() -> None:
    text = "\x00\x07 they\x0b took my passport\x1b"
    result = detect(text, "en")
    assert [(i.evidence, i.start, i.end) for i in result.indicators] == [("took my passport", 9, 25)]


def test_mixed_scripts_use_rules_for_each_script() -> None:
    text = "นายจ้างยึดหนังสือเดินทางของเรา and the boss did not pay us for four months."
    result = detect(text)
    assert result.language == "en"  # more Latin letters than Thai ones; Thai rules still run
    assert [(i.code, i.evidence) for i in result.indicators] == [
        ("retention_of_identity_documents", "ยึดหนังสือเดินทาง"),
        ("withholding_of_wages", "did not pay"),
    ]
    assert_well_formed(text, result)


def test_zawgyi_is_converted_and_offsets_point_into_the_original() -> None:
    zawgyi = convert(UNICODE_BURMESE, "unicode", "zawgyi")
    assert zawgyi != UNICODE_BURMESE
    result = detect(zawgyi)
    assert result.language == "my"
    assert result.notes == ("converted_from_zawgyi",)
    assert [i.code for i in result.indicators] == ["retention_of_identity_documents", "withholding_of_wages"]
    assert_well_formed(zawgyi, result)
    for ind in result.indicators:
        # The original Zawgyi span converts to the Unicode words the rule matched.
        assert convert(ind.evidence, "zawgyi", "unicode") in UNICODE_BURMESE
    unicode_result = detect(UNICODE_BURMESE)
    assert [i.code for i in unicode_result.indicators] == [i.code for i in result.indicators]
    assert unicode_result.notes == ()


def test_decomposed_vietnamese_maps_offsets_back() -> None:
    composed = "Chủ giữ hộ chiếu của tôi."
    import unicodedata

    decomposed = unicodedata.normalize("NFD", composed)
    result = detect(decomposed)
    assert result.language == "vi"
    assert_well_formed(decomposed, result)
    assert unicodedata.normalize("NFC", result.indicators[0].evidence) == "giữ hộ chiếu"


FRAGMENTS = [
    "they took my passport",
    "did not take my passport",
    "if they take your passport",
    "I lost my passport",
    "นายจ้างยึดหนังสือเดินทาง",
    "ไม่ได้ยึด",
    "ပတ်စ်ပို့ကို သိမ်းထားတယ်",
    "မသိမ်းဘူး",
    "giữ hộ chiếu",
    "không",
    "menahan pasport",
    "tidak",
    "පාස්පෝට් එක තියාගත්තා",
    "නැහැ",
    "கடவுச்சீட்டை பறித்து",
    "இல்லை",
    "I am 15",
    "worked 20 hours a day",
    "。",
    "\u200d",
    "\u0301",
    "\ufeff",
    "ေ",
    "္",
    "\n",
    ", ",
    " ",
]
SAFE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SAFE
@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_result(text: str) -> None:
    assert_well_formed(text, detect(text))


@SAFE
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=25).map("".join))
def test_indicator_laden_mixtures_give_valid_offsets(text: str) -> None:
    assert_well_formed(text, detect(text))


@SAFE
@given(
    st.text(alphabet=st.characters(min_codepoint=0x1000, max_codepoint=0x109F) | st.just(" "), max_size=120)
)
def test_random_myanmar_and_zawgyi_text_is_safe(text: str) -> None:
    assert_well_formed(text, detect(text))


@SAFE
@given(st.binary(max_size=200))
def test_binary_garbage_decodes_or_fails_clearly(data: bytes) -> None:
    try:
        text = decode_text(data)
    except ScreeningInputError as exc:
        assert "not valid UTF-8" in str(exc)
        return
    assert_well_formed(text, detect(text))


@SAFE
@given(st.lists(st.binary(max_size=60), max_size=8))
def test_jsonl_lines_of_garbage_yield_one_object_each(lines: list[bytes]) -> None:
    raw = [line.replace(b"\n", b" ") + b"\n" for line in lines]
    out = list(screen_jsonl(raw))
    assert len(out) == sum(1 for line in raw if line.strip())
    for obj in out:
        assert "error" in obj or "level" in obj
