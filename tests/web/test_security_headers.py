"""Browser security headers on every kind of response, generic error pages, CSRF and CORS.

ASVS 5.0 V3.4 (headers), V3.5 (request forgery), V13.4 and V16.5 (no internal detail in errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.config import urls as tiaki_urls
from tiaki.web.access import public

from ..conftest import verified_client


@public
def _explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-detail-7f3a: SELECT * FROM cases_case")


# The real URLs plus one view that fails, to see what a visitor gets when something breaks.
urlpatterns = [path("test-explode/", _explode), *tiaki_urls.urlpatterns]


def _kinds(user: User) -> dict[str, tuple[Client, Callable[[Client], Any], int]]:
    """Each kind of response: the client that asks, what it asks, and the status it gets."""
    password_only = Client()
    password_only.force_login(user)  # second factor not verified yet
    verified = verified_client(user)
    return {
        "public page": (Client(), lambda c: c.get(reverse("community:home")), 200),
        "public form": (Client(), lambda c: c.get(reverse("community:report")), 200),
        "staff page": (verified, lambda c: c.get(reverse("web:home")), 200),
        "forbidden page": (verified, lambda c: c.get(reverse("accounts:members")), 403),
        "not found page": (Client(), lambda c: c.get("/en/no-such-page/"), 404),
        "redirect to sign-in": (Client(), lambda c: c.get(reverse("web:home")), 302),
        "second-factor redirect": (password_only, lambda c: c.get(reverse("web:home")), 302),
        "api json": (verified, lambda c: c.get("/api/v1/accounts/me"), 200),
        "api refusal": (Client(), lambda c: c.get("/api/v1/accounts/me"), 401),
        "api schema": (Client(), lambda c: c.get("/api/v1/openapi.json"), 200),
        "health check": (Client(), lambda c: c.get(reverse("healthz")), 200),
        "language switch": (Client(), lambda c: c.post(reverse("set_language"), {"language": "th"}), 302),
    }


KIND_NAMES = [
    "public page",
    "public form",
    "staff page",
    "forbidden page",
    "not found page",
    "redirect to sign-in",
    "second-factor redirect",
    "api json",
    "api refusal",
    "api schema",
    "health check",
    "language switch",
]


def _directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_response_kind_carries_the_security_headers(
    kind: str, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    client, fetch, status = _kinds(make_user(org_a, Role.LIAISON_OFFICER))[kind]
    response = fetch(client)
    assert response.status_code == status, kind
    csp = _directives(response["Content-Security-Policy"])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    script = csp["script-src"]
    # 'self' and, when the page has a script of its own, that response's nonce: nothing else runs.
    assert script[0] == "'self'" and all(source.startswith("'nonce-") for source in script[1:])
    assert len(script) <= 2
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce(org_a: Organisation, make_user: Callable[..., User]) -> None:
    client = verified_client(make_user(org_a, Role.ANALYST))
    first, second = client.get(reverse("web:home")), client.get(reverse("web:home"))
    nonces = [_directives(r["Content-Security-Policy"])["script-src"][1] for r in (first, second)]
    assert nonces[0].startswith("'nonce-") and nonces[0] != nonces[1]
    assert f'nonce="{nonces[0][7:-1]}"' in first.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_shows_the_generic_page_and_no_internal_detail() -> None:
    response = Client(raise_request_exception=False).get("/test-explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "Please try again later." in body
    for leak in ("secret-detail-7f3a", "Traceback", "RuntimeError", "SELECT", "cases_case", "site-packages"):
        assert leak not in body
    assert response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_not_found_page_lists_no_url_patterns() -> None:
    response = Client().get("/en/staff/no-such-thing/")
    assert response.status_code == 404
    body = response.content.decode()
    for leak in ("urlpatterns", "URLconf", "tiaki.config", "Using the URLconf", "Traceback"):
        assert leak not in body


@pytest.mark.django_db
def test_state_changing_forms_need_the_csrf_token(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.ANALYST)
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("accounts:login"), {"username": user.username, "password": "x"})
    assert refused.status_code == 403
    page = client.get(reverse("accounts:login"))
    token = page.cookies["csrftoken"].value
    answered = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "wrong", "csrfmiddlewaretoken": token},
    )
    assert answered.status_code == 200  # past CSRF; the wrong password is refused by the form
    tip = Client(enforce_csrf_checks=True).post(reverse("community:report"), {"what": "forged"})
    assert tip.status_code == 403


@pytest.mark.django_db
def test_api_calls_on_a_browser_session_need_the_csrf_token(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.LIAISON_OFFICER)
    client = verified_client(user)
    client.handler.enforce_csrf_checks = True
    body = {"channel": "api", "narrative": "forged from another site", "language": "en"}
    forged = client.post("/api/v1/reports", body, content_type="application/json")
    assert (forged.status_code, forged.json()) == (403, {"detail": "CSRF check Failed"})
    from tiaki.intake.models import Report

    assert not Report.objects.exists()
    client.handler.enforce_csrf_checks = False  # the same call is otherwise accepted: CSRF was the barrier
    assert client.post("/api/v1/reports", body, content_type="application/json").status_code == 201


@pytest.mark.django_db
def test_cross_origin_requests_get_no_cors_grant(org_a: Organisation, make_user: Callable[..., User]) -> None:
    client = verified_client(make_user(org_a, Role.ANALYST))
    for method in ("get", "options"):
        response = getattr(client, method)("/api/v1/accounts/me", HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_trace_does_not_echo_the_request() -> None:
    response = Client().generic(
        "TRACE", reverse("community:home"), HTTP_X_PROBE="probe-6d1c", HTTP_COOKIE="sessionid=probe-6d1c"
    )
    assert b"probe-6d1c" not in response.content
    assert "message/http" not in response.get("Content-Type", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/.git/HEAD", "/.git/config", "/static/", "/static/tiaki/", "/.env", "/var/secrets.json"]
)
def test_no_source_control_secrets_or_directory_listing_is_served(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert b"Index of" not in response.content and b"[core]" not in response.content


@pytest.mark.django_db
def test_responses_declare_their_type_and_character_set(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    client = verified_client(make_user(org_a, Role.ANALYST))
    assert client.get(reverse("community:home"))["Content-Type"] == "text/html; charset=utf-8"
    assert client.get(reverse("web:home"))["Content-Type"] == "text/html; charset=utf-8"
    assert client.get("/api/v1/accounts/me")["Content-Type"] == "application/json; charset=utf-8"
    assert Client().get("/api/v1/accounts/me")["Content-Type"] == "application/json; charset=utf-8"
