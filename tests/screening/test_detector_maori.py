"""Māori (te reo Māori) rules: indicators with exact offsets, negation and "if" (ki te) handling."""

from __future__ import annotations

import pytest

from tiaki.screening import detect

FOUND = [
    (
        "I tangohia e te pāhi taku uruwhenua i te taunga rererangi.",
        "retention_of_identity_documents",
        "tangohia e te pāhi taku uruwhenua",
        2,
        35,
    ),
    ("I patua ahau e te kaiwhakahaere.", "physical_sexual_violence", "I patua", 0, 7),
    ("I whakawehi te pāhi ka waea ia ki ngā pirihimana.", "intimidation_threats", "whakawehi", 2, 11),
    (
        "I aukatia mātou kia kaua e waea atu ki ō mātou whānau.",
        "isolation",
        "aukatia mātou kia kaua e waea",
        2,
        31,
    ),
    ("Kāore he rā okioki i roto i ngā marama e ono.", "excessive_overtime", "Kāore he rā okioki", 0, 18),
    (
        "I rakaina mātou ki roto i te whare i ia pō.",
        "restriction_of_movement",
        "I rakaina mātou ki roto",
        0,
        23,
    ),
]


@pytest.mark.parametrize(("text", "code", "evidence", "start", "end"), FOUND)
def test_indicator_found_with_exact_offsets(
    text: str, code: str, evidence: str, start: int, end: int
) -> None:
    result = detect(text)
    assert result.language == "mi"
    assert [(i.code, i.evidence, i.start, i.end) for i in result.indicators] == [(code, evidence, start, end)]
    assert text[start:end] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "Kāore te pāhi i tango i taku uruwhenua.",  # negated: the boss did not take my passport
        "Kāore tētahi i patu i a au.",  # nobody hit me
        "Ki te whakawehi tētahi i a koe, waea mai ki te uniana.",  # if anyone threatens you
        "I puritia e mātou ā mātou uruwhenua ki ō mātou ake pouaka.",  # we kept our own passports
    ],
)
def test_negated_hypothetical_or_own_keeping_is_not_an_indicator(text: str) -> None:
    result = detect(text, "mi")
    assert result.indicators == ()
    assert result.level == "none"


def test_maori_without_macrons_is_screened_too() -> None:
    result = detect("I tangohia e te pahi taku uruwhenua.", "mi")
    assert [i.code for i in result.indicators] == ["retention_of_identity_documents"]
