"""Writes to organisations, users, memberships and API keys, each audited in its transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tiaki.accounts.models import ApiKey, Membership, Organisation, User
from tiaki.accounts.permissions import Permission, Role
from tiaki.governance import audit, policy

API_KEY_PREFIX = "tk_"


def _require_admin(actor: Any, organisation: Organisation) -> None:
    # `actor=None` is the system itself (set-up, demo, migrations run by an operator at the console).
    if actor is not None:
        policy.require(actor, Permission.ORG_ADMIN, organisation)


def organisation_create(
    *,
    actor: Any,
    name: str,
    org_type: str,
    country: str,
    city: str = "",
    short_name: str = "",
    code: str = "",
) -> Organisation:
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise policy.Denied(Permission.ORG_ADMIN, _("only a platform superuser adds organisations"))
    with transaction.atomic():
        organisation = Organisation(
            code=code or slugify(name)[:40].upper(),
            name=name,
            org_type=org_type,
            country=country.upper(),
            city=city,
            short_name=short_name,
        )
        organisation.full_clean()
        organisation.save()
        audit.record(
            actor=actor,
            action="organisation.create",
            target=organisation,
            organisation=organisation,
            details={"code": organisation.code, "org_type": org_type, "country": organisation.country},
        )
    return organisation


def user_create(
    *,
    actor: Any,
    organisation: Organisation,
    username: str,
    password: str | None,
    role: str,
    display_name: str = "",
    scope: str = "",
    is_service: bool = False,
) -> User:
    """Create a staff user (or a partner system) with one membership."""
    _require_admin(actor, organisation)
    with transaction.atomic():
        user = User(username=username, display_name=display_name, is_service=is_service)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=Role(role), scope=scope
        )
        audit.record(
            actor=actor,
            action="user.create",
            target=user,
            organisation=organisation,
            details={"role": membership.role, "service": is_service},
        )
    return user


def membership_grant(
    *, actor: Any, user: User, organisation: Organisation, role: str, scope: str = ""
) -> Membership:
    _require_admin(actor, organisation)
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            user=user, organisation=organisation, role=Role(role), defaults={"scope": scope, "active": True}
        )
        audit.record(
            actor=actor,
            action="membership.grant",
            target=membership,
            organisation=organisation,
            details={"user": user.pk, "role": role, "created": created},
        )
    policy.forget(user)
    return membership


def membership_revoke(*, actor: Any, membership: Membership) -> Membership:
    _require_admin(actor, membership.organisation)
    with transaction.atomic():
        membership.active = False
        membership.save(update_fields=["active"])
        audit.record(
            actor=actor,
            action="membership.revoke",
            target=membership,
            organisation=membership.organisation_id,
            details={"user": membership.user_id},
        )
    policy.forget(membership.user)
    return membership


def _hash_key(secret: str) -> str:
    # API keys are 256-bit random secrets: a fast hash suffices (no dictionary to attack), unlike passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_issue(
    *, actor: Any, organisation: Organisation, name: str, role: str = Role.PARTNER_SYSTEM
) -> tuple[ApiKey, str]:
    """Create a partner-system key. The secret is returned once and never stored."""
    _require_admin(actor, organisation)
    if not name.strip():
        raise ValidationError({"name": _("Name the system that will use this key.")})
    with transaction.atomic():
        prefix = secrets.token_hex(4)
        username = f"system-{organisation.pk}-{prefix}"
        service_user = User.objects.create(username=username, display_name=name, is_service=True)
        service_user.set_unusable_password()
        service_user.save(update_fields=["password"])
        Membership.objects.create(user=service_user, organisation=organisation, role=Role(role))
        secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey.objects.create(
            user=service_user, organisation=organisation, name=name, prefix=prefix, key_hash=_hash_key(secret)
        )
        audit.record(
            actor=actor,
            action="apikey.issue",
            target=key,
            organisation=organisation,
            details={"prefix": prefix, "role": role},
        )
    return key, secret


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    _require_admin(actor, key.organisation)
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        key.user.is_active = False
        key.user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="apikey.revoke",
            target=key,
            organisation=key.organisation_id,
            details={"prefix": key.prefix},
        )
    return key


def api_key_authenticate(secret: str) -> User | None:
    """The service user behind a valid, unrevoked key, or None. Constant-time comparison of hashes."""
    if not secret.startswith(API_KEY_PREFIX) or secret.count("_") < 2:
        return None
    prefix = secret[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash_key(secret)) or not key.user.is_active:
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key.user
