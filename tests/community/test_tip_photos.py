"""A tip photo loses its metadata, is encrypted at rest, and reaches only staff who answer tips."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community.models import TipPhoto

from ..conftest import verified_client
from .conftest import solved


def _photo_from_mae_sot() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (16.0, 43.0, 12.0), 3: "E", 4: (98.0, 34.0, 1.0)}
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 120, 10)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.django_db
def test_tip_photo_is_stripped_encrypted_and_shown_only_to_tip_answerers(
    receiving_org: Organisation,
    pauses: list[float],
    make_user: Callable[..., User],
    make_organisation: Callable[..., Organisation],
) -> None:
    upload = SimpleUploadedFile("IMG_2291.jpg", _photo_from_mae_sot(), content_type="image/jpeg")
    response = Client().post(
        "/en/report/", solved({"what": "They lock the workers in at night.", "photo": upload})
    )
    assert response.status_code == 200
    photo = TipPhoto.objects.get()
    stored = (Path(settings.DATA_DIR) / "attachments" / f"{photo.storage_key}.bin").read_bytes()
    assert b"PhoneMaker" not in stored and stored.startswith(b"tk1:")

    officer = make_user(receiving_org, Role.LIAISON_OFFICER)
    url = reverse("community:tip_photo", kwargs={"photo_id": photo.pk})
    served = verified_client(officer).get(url)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.content))
    assert (image.size, dict(image.getexif())) == ((20, 10), {})
    outsider = make_user(make_organisation("Elsewhere"), Role.LIAISON_OFFICER)
    assert verified_client(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(
    receiving_org: Organisation, pauses: list[float]
) -> None:
    upload = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    response = Client().post("/en/report/", solved({"what": "Something happened.", "photo": upload}))
    assert response.status_code == 400
    assert TipPhoto.objects.count() == 0
