"""Writes to reports: each runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intake.models import Channel, Report, ReportStatus

MAX_NARRATIVE_CHARS = 50_000


def report_submit(
    *,
    actor: Any,
    organisation: Organisation,
    channel: str,
    narrative: str,
    language: str = "",
    country: str = "",
    place: str = "",
    occurred_on: dt.date | None = None,
    received_at: dt.datetime | None = None,
    mentions: Sequence[dict[str, Any]] = (),
) -> Report:
    """Record a report for `organisation`, with the people, phones and agencies it names (`mentions`).

    `actor=None` is the system: public tips (whose reporters have no account) and operator imports.
    """
    if actor is not None:
        policy.require(actor, Permission.REPORT_CREATE, organisation)
    narrative = narrative.strip()
    if not narrative:
        raise ValidationError({"narrative": _("Describe what happened.")})
    if len(narrative) > MAX_NARRATIVE_CHARS:
        raise ValidationError({"narrative": _("The description is too long.")})
    if channel not in Channel.values or (channel == Channel.PUBLIC_TIP and actor is not None):
        raise ValidationError({"channel": _("Unknown channel.")})
    with transaction.atomic():
        report = Report.objects.create(
            organisation=organisation,
            channel=channel,
            narrative=narrative,
            language=language,
            country=country.upper(),
            place=place,
            occurred_on=occurred_on,
            received_at=received_at or timezone.now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="report.submit",
            target=report,
            organisation=organisation,
            details={"channel": channel},
        )
        if mentions:
            from tiaki.resolution.services import mentions_add

            # Resolution of the mentions into entities runs in the background after commit.
            mentions_add(actor=actor, report=report, mentions=mentions)
        # Screening runs in the background once the report is safely stored.
        transaction.on_commit(lambda: _queue_screening(report.pk))
    return report


def _queue_screening(report_id: int) -> None:
    from tiaki.screening.tasks import screen_report

    screen_report.enqueue(report_id)


def report_set_status(*, actor: Any, report: Report, status: str) -> Report:
    policy.require(actor, Permission.REPORT_TRIAGE, report.organisation_id)
    if status not in ReportStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        previous = report.status
        report.status = status
        report.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="report.status",
            target=report,
            organisation=report.organisation_id,
            details={"from": previous, "to": status},
        )
    return report
