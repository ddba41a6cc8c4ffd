"""With TLS enforced, pages redirect to HTTPS but the API refuses plain HTTP (ASVS 5.0 4.1.2)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^api/"])
def test_plain_http_api_calls_are_refused_and_pages_redirected() -> None:
    client = Client()
    refused = client.get("/api/v1/reports", HTTP_AUTHORIZATION="Bearer tk_anything")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "HTTPS required"}
    page = client.get("/en/")
    assert page.status_code == 301 and page["Location"].startswith("https://")
    # Over HTTPS the API answers as usual (here: no valid key).
    assert client.get("/api/v1/reports", secure=True).status_code == 401


@pytest.mark.django_db
def test_without_tls_enforcement_the_api_answers_over_http() -> None:
    assert Client().get("/api/v1/reports").status_code == 401
