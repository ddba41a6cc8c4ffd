"""What people type is shown as text, never run: escaping in pages and JSON, and no open redirects.

ASVS 5.0 V1.2.1 and V1.2.3 (contextual output encoding), V1.2.2 and V3.7.2 (redirects only to this site).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.intake import services as intake_services

from ..conftest import verified_client

PAYLOADS = (
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.session }}{% debug %}",
)


@pytest.mark.django_db
def test_a_narrative_full_of_markup_is_shown_as_text(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    officer = make_user(org_a, Role.LIAISON_OFFICER)
    narrative = "Reported words: " + " ".join(PAYLOADS)
    report = intake_services.report_submit(
        actor=officer, organisation=org_a, channel="interview", narrative=narrative, place=PAYLOADS[1]
    )
    page = verified_client(officer).get(reverse("intake:report_detail", kwargs={"report_id": report.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    assert "{{ request.session }}{% debug %}" in body  # shown literally: never evaluated as a template


@pytest.mark.django_db
def test_json_answers_encode_markup(org_a: Organisation, make_user: Callable[..., User]) -> None:
    officer = make_user(org_a, Role.LIAISON_OFFICER)
    report = intake_services.report_submit(
        actor=officer, organisation=org_a, channel="api", narrative=PAYLOADS[0]
    )
    response = verified_client(officer).get(f"/api/v1/reports/{report.pk}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["narrative"] == PAYLOADS[0]  # the value survives exactly, as data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "https:evil.example",
    ],
)
def test_sign_in_never_sends_anyone_to_another_site(
    target: str, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    response = Client().post(
        f"{reverse('accounts:login')}?next={target}",
        {"username": user.username, "password": "correct horse battery staple", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


@pytest.mark.django_db
def test_sign_in_returns_to_the_page_asked_for_on_this_site(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    wanted = reverse("web:home") + "?tab=1"
    response = Client().post(
        reverse("accounts:login"),
        {"username": user.username, "password": "correct horse battery staple", "next": wanted},
    )
    assert response["Location"] == wanted
