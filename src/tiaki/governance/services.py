"""Governance writes: key rotation and sharing agreements, each audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, files, policy
from tiaki.governance.crypto import (
    SHREDDED_KEY_ID,
    encrypted_fields,
    is_period_key_id,
    key_id_of,
    keyring,
    period_keys,
)
from tiaki.governance.models import SharingAgreement

_BATCH = 500


def _master(key_id: str) -> bool:
    return key_id != SHREDDED_KEY_ID and not is_period_key_id(key_id)


def keys_rotate(*, actor: Any = None, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Re-encrypt every value not yet under the newest data key. Safe to interrupt and run again.

    Each batch commits on its own with its audit event, so a crash loses at most one batch of work and
    never leaves a value unreadable (old keys stay in the keyring until an operator removes them).
    """
    ring = keyring()
    counts: dict[str, int] = {}
    for model, field in encrypted_fields():
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(str(field.column))
        pk = connection.ops.quote_name(str(model._meta.pk.column))
        label = f"{model._meta.label_lower}.{field.name}"
        rotated = 0
        last_pk: Any = None
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    where = f"WHERE {column} IS NOT NULL" + (f" AND {pk} > %s" if last_pk is not None else "")
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} {where} ORDER BY {pk} LIMIT {_BATCH}",  # noqa: S608
                        [last_pk] if last_pk is not None else [],
                    )
                    rows = cursor.fetchall()
                if not rows:
                    break
                last_pk = rows[-1][0]
                # Values under a period key stay there (moving them would defeat crypto-shredding), and
                # blanked values have nothing to re-encrypt: only older master keys are rotated away.
                stale = [
                    (row_pk, token)
                    for row_pk, token in rows
                    if token and (key_id := key_id_of(token) or "") != ring.current_id and _master(key_id)
                ]
                associated = f"{model._meta.db_table}.{field.column}".encode()
                with connection.cursor() as cursor:
                    for row_pk, token in stale:
                        fresh = ring.encrypt(ring.decrypt(token, associated), associated)
                        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [fresh, row_pk])  # noqa: S608
                if stale:
                    audit.record(
                        actor=actor,
                        action="keys.rotate",
                        object_type=model._meta.label_lower,
                        details={"field": field.name, "rows": len(stale), "key_id": ring.current_id},
                    )
                rotated += len(stale)
        counts[label] = rotated
        if progress:
            progress(f"{label}: {rotated} re-encrypted")
    rotated = files.rotate()
    if rotated:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="keys.rotate",
                object_type="files",
                details={"files": rotated, "key_id": ring.current_id},
            )
    counts["files"] = rotated
    if progress:
        progress(f"encrypted files: {rotated} re-encrypted")
    rewrapped = period_keys().rewrap()
    if rewrapped:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="keys.rotate",
                object_type="period_keys",
                details={"keys": rewrapped, "key_id": ring.current_id},
            )
    counts["period_keys"] = rewrapped
    if progress:
        progress(f"period keys: {rewrapped} re-wrapped")
    return counts


def sharing_agreement_set(
    *,
    actor: Any,
    provider: Organisation,
    recipient: Organisation,
    intelligence_p: bool = False,
    intelligence_c: bool = False,
    referrals: bool = False,
    statistics: bool = False,
    conditions: str = "",
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> SharingAgreement:
    """Create or replace what may cross from `provider` to `recipient`; only the provider decides."""
    if actor is not None:
        policy.require(actor, Permission.SHARING_MANAGE, provider)
    with transaction.atomic():
        agreement, created = SharingAgreement.objects.update_or_create(
            provider=provider,
            recipient=recipient,
            defaults={
                "intelligence_p": intelligence_p,
                "intelligence_c": intelligence_c,
                "referrals": referrals,
                "statistics": statistics,
                "conditions": conditions,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "active": True,
            },
        )
        audit.record(
            actor=actor,
            action="sharing.create" if created else "sharing.update",
            target=agreement,
            organisation=provider,
            details={
                "recipient": recipient.pk,
                "intelligence_p": intelligence_p,
                "intelligence_c": intelligence_c,
                "referrals": referrals,
                "statistics": statistics,
            },
        )
    return agreement
