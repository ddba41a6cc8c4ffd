"""Whose data a user's statistics may count: their own organisations, and those that agreed to share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tiaki.accounts.permissions import Permission
from tiaki.cases.models import Case, Consent, ConsentPurpose
from tiaki.governance import policy
from tiaki.governance.models import SharingAgreement


def statistics_organisations(user: Any, permission: Permission = Permission.STATS_VIEW) -> frozenset[int]:
    """Organisations where the user holds `permission`, plus every organisation with an active, current
    sharing agreement that lets `statistics` cross to one of them. Denied when the user holds none."""
    own = policy.require(user, permission)
    today = timezone.localdate()
    providers = SharingAgreement.objects.filter(
        recipient__in=own, statistics=True, active=True, valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return own | frozenset(providers.values_list("provider_id", flat=True))


def withdrawn_cases() -> models.QuerySet[Case]:
    """Cases whose survivor withdrew consent to use in anonymous statistics (and has not given it again):
    no statistic counts them, nor their referrals, returns or follow-ups."""
    withdrawn = Consent.objects.filter(purpose=ConsentPurpose.STATISTICS, withdrawn_at__isnull=False)
    active = Consent.objects.filter(purpose=ConsentPurpose.STATISTICS, withdrawn_at__isnull=True)
    return Case.objects.filter(pk__in=withdrawn.values("case_id")).exclude(pk__in=active.values("case_id"))


def counted_cases(organisations: Iterable[int]) -> models.QuerySet[Case]:
    """Cases of `organisations` that statistics may count."""
    return Case.objects.filter(organisation__in=list(organisations)).exclude(
        pk__in=withdrawn_cases().values("pk")
    )
