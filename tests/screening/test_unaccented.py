"""Vietnamese typed without diacritics ("khong dau"): recognised, screened with the rules written without
them, offsets into the text as given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaki.screening import detect
from tiaki.screening.language import detect_language
from tiaki.screening.rules import RuleFileError, parse_rules, unaccented

ACCENTED = "Tôi bị chủ đánh đập và giữ hộ chiếu, không trả lương ba tháng nay rồi."
TYPED = "Toi bi chu danh dap va giu ho chieu, khong tra luong ba thang nay roi."


def test_unaccented_removes_diacritics_one_character_for_one() -> None:
    assert unaccented(ACCENTED) == TYPED
    assert unaccented("Đà Nẵng, Hēmi, Ñandú") == "Da Nang, Hemi, Nandu"


@given(st.text())
def test_unaccented_keeps_the_length(text: str) -> None:
    assert len(unaccented(text)) == len(text)


def test_vietnamese_without_diacritics_is_recognised() -> None:
    assert detect_language(TYPED) == "vi"
    assert detect_language("the boss did not pay us and we were not allowed to leave the house") == "en"


def test_typed_without_diacritics_finds_what_the_accented_text_finds() -> None:
    accented, typed = detect(ACCENTED), detect(TYPED)
    assert typed.language == "vi" and "screened_without_diacritics" in typed.notes
    assert "screened_without_diacritics" not in accented.notes
    assert [i.code for i in typed.indicators] == [i.code for i in accented.indicators]
    assert {i.code for i in typed.indicators} >= {
        "physical_sexual_violence",
        "retention_of_identity_documents",
        "withholding_of_wages",
    }
    for ind in typed.indicators:
        assert TYPED[ind.start : ind.end] == ind.evidence


def test_negation_typed_without_diacritics_still_negates() -> None:
    result = detect("Toi khong bi ai giu ho chieu, chu tra luong day du moi thang.")
    assert result.indicators == ()


def test_the_flag_must_be_a_boolean() -> None:
    raw = {
        "language": "xx",
        "name": "x",
        "version": "1",
        "script": "Latin",
        "segmentation": "words",
        "clause_breaks": "[.]",
        "unaccented_text": "yes",
    }
    with pytest.raises(RuleFileError, match="unaccented_text must be true or false"):
        parse_rules(raw, source="xx.toml")
