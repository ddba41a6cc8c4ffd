"""Uploads are bounded: size, decoded pixels and type are checked before anything is kept, and a photo is
served back only as a download that no browser sniffs or renders in the page's context.

ASVS 5.0 V5.2.1 (size), V5.2.2 (type by content), V5.2.6 (pixel flood), V3.2.1 and V5.4.1 (downloads).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community.models import TipPhoto
from tiaki.governance import files
from tiaki.intake.models import Report

from ..conftest import verified_client
from .conftest import solved


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are matched in English; an earlier request in this thread may have switched languages.
    with translation.override("en"):
        yield


def _png(width: int, height: int, mode: str = "1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG")
    return out.getvalue()


def test_a_file_over_ten_megabytes_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        files.strip_metadata(b"\x89PNG\r\n\x1a\n" + b"\x00" * files.MAX_BYTES)


@pytest.mark.parametrize("size", [(10_000, 9_500), (20_000, 10_000)], ids=["95-megapixels", "200-megapixels"])
def test_a_small_file_declaring_too_many_pixels_is_refused(size: tuple[int, int]) -> None:
    flood = _png(*size)
    assert len(flood) < 30_000  # kilobytes on the wire, hundreds of megabytes once decoded
    with pytest.raises(ValidationError, match="too many pixels"):
        files.strip_metadata(flood)


def test_a_photo_within_the_limits_is_kept_with_its_format() -> None:
    clean, content_type = files.strip_metadata(_png(640, 480, "RGB"))
    assert content_type == "image/png"
    assert Image.open(io.BytesIO(clean)).size == (640, 480)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("photo.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("photo.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
    ],
    ids=["svg-named-jpg", "gif", "pdf"],
)
def test_the_type_is_decided_by_the_content_not_the_name(name: str, data: bytes) -> None:
    with pytest.raises(ValidationError, match="Only photos"):
        files.strip_metadata(data)


@pytest.mark.django_db
def test_a_pixel_flood_sent_with_a_tip_is_refused_and_nothing_is_kept(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    upload = SimpleUploadedFile("IMG_0001.png", _png(10_000, 9_500), content_type="image/png")
    response = Client().post("/en/report/", solved({"what": "Something happened.", "photo": upload}))
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert (Report.objects.count(), TipPhoto.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_tip_photo_is_served_as_a_download_that_browsers_do_not_sniff(
    receiving_org: Organisation, pauses: list[float], make_user: Callable[..., User]
) -> None:
    upload = SimpleUploadedFile("<script>.png", _png(20, 10, "RGB"), content_type="text/html")
    assert (
        Client().post("/en/report/", solved({"what": "See the photo.", "photo": upload})).status_code == 200
    )
    photo = TipPhoto.objects.get()
    officer = make_user(receiving_org, Role.LIAISON_OFFICER)
    served = verified_client(officer).get(reverse("community:tip_photo", kwargs={"photo_id": photo.pk}))
    assert served["Content-Type"] == "image/png"  # from the decoded content, not the uploader's claim
    assert served["Content-Disposition"] == f'attachment; filename="tip-photo-{photo.pk}"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"] == "no-store"
