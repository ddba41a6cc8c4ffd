"""Reads of the public portal: the tip conversation (staff, through the policy), directory, partners."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from tiaki.accounts.models import Organisation, OrganisationType
from tiaki.accounts.permissions import Permission
from tiaki.community.models import DirectoryEntry, EntryKind, TipMessage, TipPhoto
from tiaki.governance import audit, files, policy
from tiaki.intake import selectors as intake_selectors
from tiaki.intake.models import Channel, Report

_KIND_ORDER = models.Case(
    models.When(kind=EntryKind.EMERGENCY, then=0),
    models.When(kind=EntryKind.HOTLINE, then=1),
    default=2,
)


def tip_list(*, user: Any) -> models.QuerySet[Report]:
    """Public tips this user may answer, newest first, with the number of messages in each."""
    organisations = policy.require(user, Permission.TIP_REPLY)
    return (
        intake_selectors.report_list(user=user)
        .filter(channel=Channel.PUBLIC_TIP, organisation__in=organisations)
        .annotate(message_count=models.Count("tip_messages"))
    )


def tip_get(*, user: Any, report_id: int) -> Report:
    """One public tip the user may answer; Report.DoesNotExist when it is not one or not theirs."""
    report = intake_selectors.report_get(user=user, report_id=report_id)
    if report.channel != Channel.PUBLIC_TIP or not policy.has(
        user, Permission.TIP_REPLY, report.organisation_id
    ):
        raise Report.DoesNotExist
    return report


def tip_messages(*, user: Any, report: Report) -> models.QuerySet[TipMessage]:
    return policy.scoped(user, Permission.TIP_REPLY, TipMessage.objects.filter(report=report))


def tip_read(*, user: Any, report_id: int) -> tuple[Report, list[TipMessage]]:
    """Open a tip's conversation: the reporter's words are personal data, so the read is audited."""
    report = tip_get(user=user, report_id=report_id)
    messages = list(tip_messages(user=user, report=report))
    with transaction.atomic():
        audit.record(actor=user, action="tip.read", target=report, organisation=report.organisation_id)
    return report, messages


def reporter_messages(*, report: Report) -> list[TipMessage]:
    """The conversation shown to whoever holds the report's receipt (checked by the caller)."""
    return list(TipMessage.objects.filter(report=report))


def directory(*, country: str = "") -> list[DirectoryEntry]:
    """Active entries, emergency numbers first within each country, then in the order they were added."""
    entries = DirectoryEntry.objects.filter(active=True)
    if country:
        entries = entries.filter(country=country)
    return list(entries.annotate(kind_order=_KIND_ORDER).order_by("country", "kind_order", "pk"))


def directory_all() -> models.QuerySet[DirectoryEntry]:
    return DirectoryEntry.objects.order_by("country", "kind", "name")


def partner_list() -> list[Organisation]:
    """Active NGOs and shelters: their names and places are public, nothing else is shown."""
    return list(
        Organisation.objects.filter(
            active=True, org_type__in=[OrganisationType.NGO, OrganisationType.SCHOOL_SHELTER]
        ).only("name", "short_name", "country", "city", "org_type")
    )


def tip_photo_read(*, user: Any, photo_id: int) -> tuple[TipPhoto, bytes]:
    """A tip's photo for someone who may answer that tip; the read is audited."""
    photo = TipPhoto.objects.select_related("report").get(pk=photo_id)
    try:
        tip_get(user=user, report_id=photo.report_id)
    except Report.DoesNotExist as exc:
        raise TipPhoto.DoesNotExist from exc
    with transaction.atomic():
        audit.record(
            actor=user,
            action="tip.photo_read",
            target=photo.report,
            organisation=photo.report.organisation_id,
            details={"photo": photo.pk},
        )
    return photo, files.load(photo.storage_key)
