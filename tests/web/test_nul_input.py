"""A NUL character in a path, query string or form is refused with 400 before any view or query runs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def test_a_search_with_a_nul_gets_a_bad_request_page_not_a_server_error(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    client = verified_client(make_user(org_a, Role.LIAISON_OFFICER))
    url = reverse("intelligence:agencies")
    assert client.get(url, {"q": "Sunrise"}).status_code == 200
    refused = client.get(url, {"q": "Sun\x00rise"})
    assert refused.status_code == 400
    assert "characters we cannot accept" in refused.content.decode()


def test_a_public_form_post_with_a_nul_is_refused_and_the_page_is_in_the_visitors_language() -> None:
    client = Client()
    refused = client.post("/th/", {"anything": "a\x00b"})
    assert refused.status_code == 400
    assert 'lang="th"' in refused.content.decode()
    assert client.get("/th/").status_code == 200


def test_a_nul_in_the_path_is_refused_for_pages_and_the_api() -> None:
    client = Client()
    assert client.get("/th/%00").status_code == 400
    api = client.get("/api/v1/reports%00")
    assert api.status_code == 422
    assert api.json()["errors"][0]["loc"] == ["path", ""]
