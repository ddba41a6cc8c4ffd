"""The partner API's per-caller request budget (ASVS 5.0 2.4.1): counted per key, not per address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role


def _key(organisation: Organisation, name: str) -> str:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=organisation, name=name, role=Role.LIAISON_OFFICER
    )
    return secret


@pytest.mark.django_db
@override_settings(TIAKI_API_RATE_LIMIT="3/m")
def test_a_key_over_its_budget_gets_429_and_other_keys_do_not(org_a: Organisation) -> None:
    cache.clear()
    first, second = _key(org_a, "first"), _key(org_a, "second")
    client = Client()
    statuses = [
        client.get("/api/v1/reports", HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another key from the same address still has its own budget.
    assert client.get("/api/v1/reports", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


@pytest.mark.django_db
@override_settings(TIAKI_API_RATE_LIMIT="1/m")
def test_unauthenticated_calls_are_refused_by_authentication_not_counted(org_a: Organisation) -> None:
    cache.clear()
    client = Client()
    assert [client.get("/api/v1/reports").status_code for _ in range(3)] == [401, 401, 401]
