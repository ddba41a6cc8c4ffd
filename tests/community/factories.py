"""Access-matrix registrations for the community app: its public pages and the tip page's object."""

from __future__ import annotations

from tiaki.accounts.models import Organisation
from tiaki.intake.models import Channel, Report

PUBLIC_PAGES = {
    "community:home",
    "community:learn",
    "community:signs",
    "community:report",
    "community:receipt",
    "community:help",
    "community:help_others",
    "community:passport",
    "community:passport_open",
    "community:today",
    "community:self_check",
    "community:service_worker",
}


def _tip(organisation: Organisation) -> dict[str, int]:
    report = Report.objects.create(
        organisation=organisation, channel=Channel.PUBLIC_TIP, narrative="LEAK-MARKER"
    )
    return {"report_id": report.pk}


OBJECT_FACTORIES = {"community:tip_thread": _tip}


def _tip_photo(organisation: Organisation) -> dict[str, int]:
    import io

    from PIL import Image

    from tiaki.community.models import TipPhoto
    from tiaki.governance import files

    image = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(image, format="PNG")
    report = Report.objects.create(
        organisation=organisation, channel=Channel.PUBLIC_TIP, narrative="LEAK-MARKER"
    )
    photo = TipPhoto.objects.create(
        report=report, storage_key=files.store(image.getvalue()), content_type="image/png", size=10
    )
    return {"photo_id": photo.pk}


OBJECT_FACTORIES["community:tip_photo"] = _tip_photo
