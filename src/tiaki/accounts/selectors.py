"""Reads of organisations, members and keys, through the policy layer."""

from __future__ import annotations

from typing import Any

from django.db import models

from tiaki.accounts.models import ApiKey, Membership, Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy


def membership_list(*, user: Any) -> models.QuerySet[Membership]:
    queryset = Membership.objects.select_related("user", "organisation").order_by(
        "organisation__name", "user__username"
    )
    return policy.scoped(user, Permission.ORG_ADMIN, queryset).filter(user__is_service=False)


def api_key_list(*, user: Any) -> models.QuerySet[ApiKey]:
    return policy.scoped(user, Permission.ORG_ADMIN, ApiKey.objects.select_related("organisation")).order_by(
        "-created_at"
    )


def organisations_of(*, user: Any) -> list[Organisation]:
    """The organisations a user acts for (no permission needed: these are the user's own memberships)."""
    ids = {g.organisation_id for g in policy.grants(user)}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))
