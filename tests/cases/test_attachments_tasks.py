"""Photos lose their metadata and are encrypted at rest; tasks and approvals reach the right people."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from tiaki.cases import selectors, services
from tiaki.cases.models import Case
from tiaki.governance.models import AuditEvent

from ..conftest import verified_client
from .conftest import Partnership

pytestmark = pytest.mark.django_db


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (16.0, 43.0, 12.0), 3: "E", 4: (98.0, 34.0, 1.0)}  # GPS: Mae Sot
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_metadata_is_stripped_and_the_file_is_encrypted(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    original = _photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "SecretCam"
    case = open_case()
    attachment = services.attachment_add(
        actor=partnership.liaison, case=case, filename="IMG_0042.jpg", data=original
    )
    stored = (Path(settings.DATA_DIR) / "attachments" / f"{attachment.storage_key}.bin").read_bytes()
    assert stored.startswith(b"tk1:") and b"SecretCam" not in stored and b"\xff\xd8" not in stored
    response = verified_client(partnership.liaison).get(
        reverse("cases:attachment_download", kwargs={"attachment_id": attachment.pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    served = Image.open(io.BytesIO(response.content))
    assert dict(served.getexif()) == {}
    assert served.size == (32, 24)
    assert AuditEvent.objects.filter(action="attachment.read", object_id=str(case.pk)).count() == 1


def test_only_photos_are_accepted(partnership: Partnership, open_case: Callable[..., Case]) -> None:
    with pytest.raises(ValidationError, match="Only photos"):
        services.attachment_add(
            actor=partnership.liaison, case=open_case(), filename="x.exe", data=b"MZ\x90\x00"
        )
    assert not list((Path(settings.DATA_DIR) / "attachments").glob("*.part"))


def test_a_colleague_off_the_case_cannot_download(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    attachment = services.attachment_add(
        actor=partnership.liaison, case=case, filename="a.jpg", data=_photo_with_gps()
    )
    response = verified_client(partnership.caseworker).get(
        reverse("cases:attachment_download", kwargs={"attachment_id": attachment.pk})
    )
    assert response.status_code == 404


def test_tasks_appear_on_their_owners_home_page(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    task = services.task_add(
        actor=partnership.liaison,
        case=case,
        title="Call the embassy about documents",
        due_on=dt.date(2026, 12, 3),
        assigned_to=partnership.liaison,
    )
    with pytest.raises(ValidationError, match="cannot work on this case"):
        services.task_add(
            actor=partnership.liaison,
            case=case,
            title="x",
            due_on=dt.date(2026, 12, 3),
            assigned_to=partnership.caseworker,
        )
    home = verified_client(partnership.liaison).get(reverse("web:home")).content.decode()
    assert "Call the embassy about documents" in home
    services.task_done(actor=partnership.liaison, task=task)
    assert list(selectors.tasks_open(user=partnership.liaison)) == []


def test_supervisors_see_what_waits_for_approval(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    child = open_case(actor=partnership.caseworker, organisation=partnership.ngo, is_child=True)
    plan = services.support_plan_add(
        actor=partnership.caseworker,
        case=child,
        support_type="Education",
        objectives="Return to school",
        provider=partnership.ngo,
    )
    waiting = selectors.approvals_waiting(user=partnership.supervisor)
    assert [c.pk for c in waiting["best_interests"]] == [child.pk]
    assert [p.pk for p in waiting["plans"]] == [plan.pk]
    page = verified_client(partnership.supervisor).get(reverse("cases:approvals"))
    assert child.reference in page.content.decode()


def test_services_are_recorded_against_an_approved_plan_only(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case(actor=partnership.caseworker, organisation=partnership.ngo)
    plan = services.support_plan_add(
        actor=partnership.caseworker,
        case=case,
        support_type="Health",
        objectives="Medical check",
        provider=partnership.ngo,
    )
    client = verified_client(partnership.caseworker)
    url = reverse("cases:service_add", kwargs={"plan_id": plan.pk})
    client.post(url, {"done_on": "2026-11-20"})
    assert plan.deliveries.count() == 0  # not approved yet: refused with a message
    services.support_plan_approve(actor=partnership.supervisor, plan=plan)
    client.post(url, {"done_on": "2026-11-20"})
    assert list(plan.deliveries.values_list("delivered_on", flat=True)) == [dt.date(2026, 11, 20)]
