"""Case pages and API: exact parts per caller, and list pages whose query count does not grow with data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import User
from tiaki.accounts.permissions import Role
from tiaki.cases import services
from tiaki.cases.models import Case
from tiaki.governance.crypto import keyring

from ..conftest import verified_client
from .conftest import Partnership

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=user.memberships.get().organisation, name="system", role=Role.CASEWORKER
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_shows_a_receiving_organisation_only_the_referred_parts(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    services.consent_record(
        actor=partnership.liaison, case=case, purpose="sharing", organisation=partnership.ngo
    )
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.ngo,
        reason="Other",
        shared_parts=["identity", "return"],
    )
    client = _api(partnership.caseworker)
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 404  # not before acceptance
    assert [r["id"] for r in client.get("/api/v1/referrals/incoming").json()["items"]] == [referral.pk]
    decided = client.post(
        f"/api/v1/referrals/{referral.pk}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert decided.json()["status"] == "accepted"
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["parts"] == ["identity", "return"]
    assert body["identity"] == {"first_name": "Thảo", "second_name": "Nguyễn Thị", "birthdate": "2001-04-09"}
    assert body["type_of_exploitation"] is None and body["methods_of_control"] is None


def _many_cases(partnership: Partnership, n: int) -> None:
    worker = partnership.liaison
    ring = keyring()
    del ring  # encryption happens per row in bulk_create; the keyring is warm
    Case.objects.bulk_create(
        Case(
            organisation=partnership.post,
            owner=worker,
            identity={"first_name": f"Person {i}"},
            gender="Feminine",
            citizenship="VN",
        )
        for i in range(n)
    )


@pytest.mark.parametrize("n", [3, 10_000])
def test_case_list_page_runs_a_fixed_number_of_queries(
    partnership: Partnership, django_assert_num_queries: Any, n: int
) -> None:
    _many_cases(partnership, n)
    client = verified_client(partnership.liaison)
    url = reverse("cases:list")
    client.get(url)  # warm the session
    # session, user, OTP device, memberships, count, one page of cases, session update (idle timer)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('href="/en/cases/') >= min(n, 25)


@pytest.mark.parametrize("n", [3, 10_000])
def test_case_list_api_runs_a_fixed_number_of_queries(
    partnership: Partnership, django_assert_num_queries: Any, n: int
) -> None:
    _many_cases(partnership, n)
    client = _api(partnership.liaison)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/cases?limit=50")
    assert response.status_code == 200
    assert response.json()["count"] == n
    assert len(response.json()["items"]) == min(n, 50)
