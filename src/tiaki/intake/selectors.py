"""Reads of reports, always through the policy layer."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intake.models import Report, ReportStatus


def _visible_reports(user: Any) -> models.QuerySet[Report]:
    return policy.scoped(
        user, Permission.REPORT_VIEW, Report.objects.select_related("organisation", "screening")
    )


def report_list(*, user: Any, status: str | None = None) -> models.QuerySet[Report]:
    """The triage queue: highest screening level first, then newest. No narrative is loaded or decrypted."""
    reports = (
        _visible_reports(user)
        .defer("narrative", "place", "screening__findings")
        .order_by(models.F("screening__level_rank").desc(nulls_last=True), "-received_at", "-id")
    )
    if status:
        reports = reports.filter(status=status)
    return reports


def report_get(*, user: Any, report_id: int) -> Report:
    """One report, or Report.DoesNotExist when it does not exist *or* the user may not see it."""
    return _visible_reports(user).get(pk=report_id)


def report_counts_by_status(*, user: Any) -> dict[str, int]:
    rows = _visible_reports(user).order_by().values_list("status").annotate(n=models.Count("id"))
    counts = {status.value: 0 for status in ReportStatus}
    counts.update(dict(rows))
    return counts


def report_read(*, user: Any, report_id: int) -> Report:
    """Open one report to read its narrative: the read itself is recorded in the audit trail."""
    report = report_get(user=user, report_id=report_id)
    with transaction.atomic():
        audit.record(actor=user, action="report.read", target=report, organisation=report.organisation_id)
    return report
