"""Refused access and failed sign-ins leave a `tiaki.security` log line — with codes, never a username,
address or user agent (ASVS 5.0 16.3.1, 16.3.2)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role

from ..conftest import verified_client

PASSWORD = "correct horse battery staple"  # the password tests/conftest.py gives every user


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tiaki.security")


def _security(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tiaki.security"]


@pytest.mark.django_db
def test_a_wrong_password_is_logged_without_the_username(
    org_a: Organisation,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user(org_a, Role.CASEWORKER, "refused-caseworker")
    client = Client(HTTP_USER_AGENT="LEAK-AGENT", REMOTE_ADDR="203.0.113.9")
    client.post(reverse("accounts:login"), {"username": user.username, "password": "not the password"})
    client.post(reverse("accounts:login"), {"username": "nobody-at-all", "password": "not the password"})
    lines = _security(caplog)
    assert len(lines) == 2
    assert all(line.startswith("auth.failed stage=password account=") for line in lines)
    # Two accounts, two different keyed hashes; the same account always the same one.
    assert lines[0] != lines[1]
    joined = "\n".join(lines)
    for secret in ("refused-caseworker", "nobody-at-all", "LEAK-AGENT", "203.0.113.9"):
        assert secret not in joined


@pytest.mark.django_db
def test_a_successful_sign_in_logs_nothing(
    org_a: Organisation,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    response = Client().post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert _security(caplog) == []


@pytest.mark.django_db
def test_a_wrong_second_factor_code_is_logged(
    org_a: Organisation,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user(org_a, Role.CASEWORKER)
    client = Client()
    client.force_login(user)
    client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert _security(caplog) == [f"auth.failed stage=second_factor account={user.pk}"]


@pytest.mark.django_db
def test_a_refused_page_is_logged_with_the_missing_permission(
    org_a: Organisation,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = make_user(org_a, Role.CASEWORKER)
    response = verified_client(user).get(reverse("accounts:members"))
    assert response.status_code == 403
    assert _security(caplog) == [
        f"access.denied user={user.pk} route=accounts:members method=GET permission=org.admin"
    ]


@pytest.mark.django_db
def test_a_refused_api_call_is_logged(org_a: Organisation, caplog: pytest.LogCaptureFixture) -> None:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=org_a, name="partner", role=Role.PARTNER_SYSTEM
    )
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    lines = _security(caplog)
    assert len(lines) == 1
    assert lines[0].startswith("access.denied user=") and lines[0].endswith("method=GET permission=case.view")
