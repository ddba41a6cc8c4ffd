"""API string input: a NUL character is refused the same way on SQLite and PostgreSQL, for every endpoint."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.intake.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(org_a: Organisation) -> dict[str, str]:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=org_a, name="nul", role=Role.LIAISON_OFFICER
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_nul_in_a_query_parameter_is_refused_with_422_naming_the_field(auth: dict[str, str]) -> None:
    client = Client()
    url = "/api/v1/intelligence/agency-status"
    assert client.get(url, {"name": "Sunrise Manpower"}, **auth).status_code == 200
    refused = client.get(url, {"name": "Sunrise\x00Manpower"}, **auth)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["query", "name"]


def test_a_nul_anywhere_in_a_json_body_is_refused_and_nothing_is_stored(auth: dict[str, str]) -> None:
    client = Client()
    body = {"narrative": "They kept my passport.", "place": "Mae\x00Sot"}
    refused = client.post("/api/v1/reports", json.dumps(body), content_type="application/json", **auth)
    assert refused.status_code == 400
    assert not Report.objects.exists()
    body["place"] = "Mae Sot"
    accepted = client.post("/api/v1/reports", json.dumps(body), content_type="application/json", **auth)
    assert accepted.status_code == 201
    assert Report.objects.count() == 1
