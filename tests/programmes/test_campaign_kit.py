"""The campaign kit: images at the platforms' sizes and posters, in every language, with the report link."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community import learn
from tiaki.programmes import kit

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_organisation: Callable[..., Organisation], make_user: Callable[..., User]) -> User:
    return make_user(
        make_organisation("NZ Partnerships Office", org_type="government", country="NZ"),
        Role.PROGRAMME_COORDINATOR,
    )


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("kind", list(kit.FORMATS))
def test_every_language_renders_at_each_platform_size(language: str, kind: str) -> None:
    image = Image.open(
        io.BytesIO(kit.render_image(kit.message(language, "https://tiaki.example/report/"), kind))
    )
    assert image.size == kit.FORMATS[kind]
    # Text and QR code are drawn: far more than the background colour alone.
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20
    assert max(count for count, _colour in colours) < 0.97 * image.size[0] * image.size[1]


def test_the_poster_carries_the_message_and_the_report_link(coordinator: User) -> None:
    client = verified_client(coordinator)
    response = client.get(reverse("programmes:campaign_kit_poster", kwargs={"language": "vi"}))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert learn.content_for("vi").signs_title in text
    assert "http://testserver/vi/report/" in text


def test_the_kit_page_lists_every_language_and_format(coordinator: User) -> None:
    page = verified_client(coordinator).get(reverse("programmes:campaign_kit")).content.decode()
    for code, _name in settings.LANGUAGES:
        assert reverse("programmes:campaign_kit_poster", kwargs={"language": code}) in page
    image = verified_client(coordinator).get(
        reverse("programmes:campaign_kit_image", kwargs={"language": "my", "kind": "story"})
    )
    assert Image.open(io.BytesIO(image.content)).size == (1080, 1920)


def test_unknown_languages_and_formats_are_not_found(coordinator: User) -> None:
    client = verified_client(coordinator)
    assert client.get(reverse("programmes:campaign_kit_poster", kwargs={"language": "xx"})).status_code == 404
    assert (
        client.get(
            reverse("programmes:campaign_kit_image", kwargs={"language": "en", "kind": "banner"})
        ).status_code
        == 404
    )
