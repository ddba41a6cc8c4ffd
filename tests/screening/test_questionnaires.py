"""Questionnaires: schema checks, skip logic, scoring into the screening result, XLSForm, ODK import."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyxform import xls2xform

from tiaki.screening import questionnaires as q

LANGS = q.LANGUAGES


def _t(text: str) -> dict[str, str]:
    return {lang: f"{text} [{lang}]" for lang in LANGS}


FORM: dict[str, Any] = {
    "id": "test_form",
    "version": "3",
    "kind": "interview",
    "title": _t("Test"),
    "intro": _t("Intro"),
    "question": [
        {
            "id": "q01_age",
            "type": "number",
            "text": _t("How old are you?"),
            "indicators": {"lt18": ["child_under_18"]},
        },
        {
            "id": "q02_passport_own",
            "type": "yes_no",
            "text": _t("Do you keep your passport?"),
            "indicators": {"no": ["retention_of_identity_documents"]},
        },
        {
            "id": "q03_who_holds",
            "type": "choice",
            "text": _t("Who keeps it?"),
            "show_if": "q02_passport_own == 'no'",
            "choice": [
                {"value": "employer", "label": _t("Employer")},
                {"value": "family", "label": _t("Family")},
            ],
            "indicators": {"employer": ["restriction_of_movement"]},
        },
        {
            "id": "q04_paid",
            "type": "yes_no_unsure",
            "text": _t("Are you paid?"),
            "indicators": {"no": ["withholding_of_wages"]},
        },
    ],
}


@pytest.fixture
def form() -> q.Questionnaire:
    return q.parse(FORM, source="test_form.toml")


def test_skip_logic_drops_answers_to_hidden_questions(form: q.Questionnaire) -> None:
    assert q.clean_answers(form, {"q02_passport_own": "yes", "q03_who_holds": "employer"}) == {
        "q02_passport_own": "yes"
    }
    assert q.clean_answers(form, {"q02_passport_own": "no", "q03_who_holds": "employer"}) == {
        "q02_passport_own": "no",
        "q03_who_holds": "employer",
    }


def test_answers_score_like_a_narrative_with_offsets_into_the_transcript(form: q.Questionnaire) -> None:
    answers = {"q01_age": "16", "q02_passport_own": "no", "q03_who_holds": "employer", "q04_paid": "no"}
    result = q.score(form, answers, language="vi")
    text = q.transcript(form, answers, language="vi")
    assert [i.code for i in result.indicators] == [
        "child_under_18",
        "retention_of_identity_documents",
        "restriction_of_movement",
        "withholding_of_wages",
    ]
    for indicator in result.indicators:
        assert text[indicator.start : indicator.end] == indicator.evidence
    assert result.indicators[1].evidence == "Do you keep your passport? [vi] — Không"
    assert result.level == "high"
    assert result.ruleset_version.startswith("test_form@3+")
    assert set(result.as_dict()) >= {"language", "indicators", "score", "level"}


def test_no_concerning_answer_means_level_none(form: q.Questionnaire) -> None:
    result = q.score(form, {"q01_age": "30", "q02_passport_own": "yes", "q04_paid": "yes"})
    assert (result.level, result.indicators) == ("none", ())


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q01_age": "-3"}, "whole number"),
        ({"q01_age": "200"}, "whole number"),
        ({"q01_age": "²"}, "whole number"),  # a digit to isdigit(), not to int()
        ({"q02_passport_own": "maybe"}, "not one of"),
    ],
)
def test_impossible_answers_are_refused(form: q.Questionnaire, answers: dict[str, str], message: str) -> None:
    with pytest.raises(q.QuestionnaireError, match=message):
        q.score(form, answers)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f["question"][1]["text"].pop("ksw"), "all ten languages"),
        (
            lambda f: f["question"][1].__setitem__("indicators", {"no": ["made_up"]}),
            "unknown indicator codes",
        ),
        (lambda f: f["question"][2].__setitem__("show_if", "q09_later == 'no'"), "not an earlier question"),
        (lambda f: f["question"][2].__setitem__("show_if", "q02_passport_own == 'perhaps'"), "has no answer"),
        (lambda f: f["question"][1].__setitem__("id", "Q2"), "must match"),
    ],
)
def test_schema_errors_name_the_problem(change: Any, message: str) -> None:
    broken = json.loads(json.dumps(FORM))
    change(broken)
    with pytest.raises(q.QuestionnaireError, match=message):
        q.parse(broken, source="broken.toml")


def test_xlsform_export_converts_with_pyxform(form: q.Questionnaire, tmp_path: Any) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(q.to_xlsform(form))
    xform = tmp_path / "form.xml"
    xls2xform.xls2xform_convert(xlsform_path=str(path), xform_path=str(xform))
    xml = xform.read_text()
    assert ("q03_who_holds" in xml and "selected(" in xml) or "= 'no'" in xml
    assert "Do you keep your passport? [th]" in xml


def test_odk_csv_and_kobo_json_exports_are_read(form: q.Questionnaire) -> None:
    csv_export = "start,group/q02_passport_own,group/q03_who_holds,_uuid\n2026-01-01,no,employer,abc-1\n"
    rows = q.read_submissions(csv_export.encode("utf-8-sig"), filename="export.csv")
    assert q.submission_id(rows[0], 1) == "abc-1"
    assert [i.code for i in q.score(form, rows[0]).indicators] == [
        "retention_of_identity_documents",
        "restriction_of_movement",
    ]
    kobo = json.dumps({"results": [{"q04_paid": "no", "_id": 7}]}).encode()
    rows = q.read_submissions(kobo, filename="data.json")
    assert q.submission_id(rows[0], 1) == "7" and q.score(form, rows[0]).level == "medium"


def test_shipped_questionnaires_load_with_their_expected_lengths() -> None:
    expected = {"frontline_short": 16, "frontline_long": 30, "red_flags": 12, "self_check": 10}
    assert {form_id: len(q.load(form_id).questions) for form_id in q.available()} == expected
