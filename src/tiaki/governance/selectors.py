"""Reads of governance records through the policy layer."""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent, SharingAgreement


def audit_event_list(*, user: Any) -> models.QuerySet[AuditEvent]:
    return policy.scoped(user, Permission.AUDIT_VIEW, AuditEvent.objects.order_by("-sequence"))


def sharing_agreement_list(*, user: Any) -> models.QuerySet[SharingAgreement]:
    return policy.scoped(
        user, Permission.SHARING_MANAGE, SharingAgreement.objects.select_related("provider", "recipient")
    )
