"""The one policy layer: (user, permission, model) becomes a queryset filter or a denial. Default deny."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from tiaki.accounts.permissions import ROLE_PERMISSIONS, Permission, Role, Tier

M = TypeVar("M", bound=models.Model)


class Denied(PermissionDenied):
    """A refusal that names what was missing, so users and tests can see why."""

    def __init__(self, permission: Permission | None, reason: str = "") -> None:
        self.permission = permission
        self.reason = reason or (
            _("missing permission: %s") % permission.value if permission else _("denied")
        )
        super().__init__(self.reason)


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    role: Role
    scope: str


@dataclass(frozen=True)
class Context:
    """What a rule needs to know about the user asking."""

    user: Any
    permission: Permission
    organisation_ids: frozenset[int]
    grants: tuple[Grant, ...]


Rule = Callable[[Context], models.Q]
_RULES: dict[type[models.Model], Rule] = {}


def rule(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register the row filter for a model. A model without a rule is never readable through the policy."""

    def register(function: Rule) -> Rule:
        _RULES[model] = function
        return function

    return register


def grants(user: Any) -> tuple[Grant, ...]:
    """Active memberships of an authenticated user, cached on the user object for one request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_tiaki_grants", None)
    if cached is None:
        from tiaki.accounts.models import Membership

        rows = Membership.objects.filter(user=user, active=True, organisation__active=True).values_list(
            "organisation_id", "role", "scope"
        )
        cached = tuple(Grant(org, Role(role), scope) for org, role, scope in rows)
        user._tiaki_grants = cached
    return tuple(cached)


def forget(user: Any) -> None:
    """Drop cached grants after a membership change."""
    if hasattr(user, "_tiaki_grants"):
        del user._tiaki_grants


def permissions_of(user: Any) -> frozenset[Permission]:
    return frozenset(p for g in grants(user) for p in ROLE_PERMISSIONS[g.role])


def organisations_with(user: Any, permission: Permission) -> frozenset[int]:
    return frozenset(g.organisation_id for g in grants(user) if permission in ROLE_PERMISSIONS[g.role])


def needs_second_factor(user: Any) -> bool:
    """Anyone holding a permission at SENSITIVE tier or above must verify a second factor first."""
    return any(p.tier >= Tier.SENSITIVE for p in permissions_of(user))


def second_factor_verified(user: Any) -> bool:
    if getattr(user, "is_service", False):
        return True  # partner systems authenticate with an API key, which is their second factor
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def has(user: Any, permission: Permission, organisation: Any = None) -> bool:
    try:
        require(user, permission, organisation)
    except Denied:
        return False
    return True


def require(user: Any, permission: Permission, organisation: Any = None) -> frozenset[int]:
    """Raise Denied unless the user holds `permission` (in `organisation`, if given). Returns the orgs."""
    organisation_ids = organisations_with(user, permission)
    if organisation is not None:
        wanted = getattr(organisation, "pk", organisation)
        organisation_ids = organisation_ids & {wanted}
    if not organisation_ids:
        raise Denied(permission)
    if permission.tier >= Tier.SENSITIVE and not second_factor_verified(user):
        raise Denied(permission, _("two-factor verification required for %s") % permission.value)
    return organisation_ids


def scoped(user: Any, permission: Permission, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `queryset` this user may act on with `permission`; Denied when there can be none."""
    organisation_ids = require(user, permission)
    model_rule = _RULES.get(queryset.model)
    if model_rule is None:
        raise Denied(permission, _("no policy rule for %s") % queryset.model._meta.label)
    context = Context(
        user=user,
        permission=permission,
        organisation_ids=organisation_ids,
        grants=tuple(g for g in grants(user) if permission in ROLE_PERMISSIONS[g.role]),
    )
    return queryset.filter(model_rule(context))


def owned_by_organisation(field: str = "organisation") -> Rule:
    """The common rule: rows belonging to one of the organisations where the user holds the permission."""

    def owned(context: Context) -> models.Q:
        return models.Q(**{f"{field}__in": context.organisation_ids})

    return owned


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)
