"""The public self-check: no account, answers never stored, a result in the person's own language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w
from django.apps import apps
from django.db import connection
from django.test import Client

from tiaki.screening import questionnaires

from ..screening.test_questionnaires import FORM


@pytest.fixture(autouse=True)
def self_check_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    form = json.loads(json.dumps(FORM))
    form.update({"id": "self_check", "kind": "self_check"})
    (tmp_path / "self_check.toml").write_text(tomli_w.dumps(form), encoding="utf-8")
    monkeypatch.setattr(questionnaires, "DIRECTORY", tmp_path)
    questionnaires.load.cache_clear()
    yield
    questionnaires.load.cache_clear()


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for model in apps.get_models():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
            counts[model._meta.db_table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_self_check_shows_signs_in_the_persons_language_and_stores_nothing() -> None:
    client = Client()
    page = client.get("/vi/self-check/")
    assert page.status_code == 200
    assert "Do you keep your passport? [vi]" in page.content.decode()
    before = _row_counts()
    result = client.post("/vi/self-check/", {"q02_passport_own": "no", "q01_age": "16"})
    body = result.content.decode()
    assert result.status_code == 200
    assert "Who keeps it? [vi]" in body  # the follow-up question appears once it applies
    assert result["Cache-Control"] == "no-store"
    assert _row_counts() == before  # not a single row written anywhere
    assert list(client.cookies) == ["csrftoken"]
