"""Questionnaire pages: skip logic with htmx, a result that stores nothing, saving as a report, import."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tomli_w
from django.urls import reverse
from openpyxl import load_workbook

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.intake.models import Report
from tiaki.screening import questionnaires

from ..conftest import verified_client
from .test_questionnaires import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_form_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "test_form.toml").write_text(tomli_w.dumps(FORM), encoding="utf-8")
    monkeypatch.setattr(questionnaires, "DIRECTORY", tmp_path)
    questionnaires.load.cache_clear()
    yield
    questionnaires.load.cache_clear()


@pytest.fixture
def officer(org_a: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org_a, Role.LIAISON_OFFICER)


def test_answers_reveal_the_follow_up_question(officer: User) -> None:
    client = verified_client(officer)
    url = reverse("screening:questionnaire_fill", kwargs={"form_id": "test_form"}) + "?lang=th"
    first = client.get(url).content.decode()
    assert "Do you keep your passport? [th]" in first and "Who keeps it? [th]" not in first
    revealed = client.post(url, {"lang": "th", "q02_passport_own": "no"}, HTTP_HX_REQUEST="true")
    assert "Who keeps it? [th]" in revealed.content.decode()


def test_result_stores_nothing_until_saved(officer: User) -> None:
    client = verified_client(officer)
    url = reverse("screening:questionnaire_fill", kwargs={"form_id": "test_form"})
    answers = {"lang": "en", "q01_age": "15", "q02_passport_own": "no", "q03_who_holds": "employer"}
    result = client.post(url, answers).content.decode()
    assert "Retention of identity documents" in result and "A child (under 18)" in result
    assert Report.objects.count() == 0
    saved = client.post(url, {**answers, "save": "1"})
    report = Report.objects.get()
    assert saved["Location"] == reverse("intake:report_detail", kwargs={"report_id": report.pk})
    assert "Do you keep your passport? [en] — No" in report.narrative


def test_xlsform_download_and_submission_import(officer: User) -> None:
    client = verified_client(officer)
    xlsx = client.get(reverse("screening:questionnaire_xlsform", kwargs={"form_id": "test_form"}))
    survey = load_workbook(io.BytesIO(xlsx.content))["survey"]
    assert [row[1] for row in survey.iter_rows(min_row=2, values_only=True)] == [
        "q01_age",
        "q02_passport_own",
        "q03_who_holds",
        "q04_paid",
    ]
    export = io.BytesIO(b"q02_passport_own,q03_who_holds,_uuid\nno,employer,sub-1\nyes,,sub-2\n")
    export.name = "export.csv"
    page = client.post(
        reverse("screening:questionnaire_import", kwargs={"form_id": "test_form"}), {"file": export}
    ).content.decode()
    assert "sub-1" in page and "sub-2" in page and "Restriction of movement" in page
    assert Report.objects.count() == 0


def test_unknown_forms_are_not_found(officer: User) -> None:
    response = verified_client(officer).get(
        reverse("screening:questionnaire_fill", kwargs={"form_id": "nope"})
    )
    assert response.status_code == 404
