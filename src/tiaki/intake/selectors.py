"""Reads of reports, always through the policy layer."""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.intake.models import Report, ReportStatus


def report_list(*, user: Any, status: str | None = None) -> models.QuerySet[Report]:
    reports = policy.scoped(user, Permission.REPORT_VIEW, Report.objects.select_related("organisation"))
    if status:
        reports = reports.filter(status=status)
    return reports


def report_get(*, user: Any, report_id: int) -> Report:
    """One report, or Report.DoesNotExist when it does not exist *or* the user may not see it."""
    return report_list(user=user).get(pk=report_id)


def report_counts_by_status(*, user: Any) -> dict[str, int]:
    rows = report_list(user=user).order_by().values_list("status").annotate(n=models.Count("id"))
    counts = {status.value: 0 for status in ReportStatus}
    counts.update(dict(rows))
    return counts


def report_read(*, user: Any, report_id: int) -> Report:
    """Open one report to read its narrative: the read itself is recorded in the audit trail."""
    from django.db import transaction

    from tiaki.governance import audit

    report = report_get(user=user, report_id=report_id)
    with transaction.atomic():
        audit.record(actor=user, action="report.read", target=report, organisation=report.organisation_id)
    return report
