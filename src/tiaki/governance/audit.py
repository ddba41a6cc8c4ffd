"""The audit trail: events appended inside the writer's transaction, chained by SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from tiaki.governance.models import GENESIS_HASH, AuditEvent, AuditHead

_ALLOWED_DETAIL_TYPES = (str, int, bool, type(None))
_MAX_DETAIL_STRING = 200


class AuditError(RuntimeError):
    pass


def _check_details(value: Any, path: str = "details") -> None:
    # Details are for codes, counts and ids. Free text could smuggle personal data into the permanent
    # record, which no retention rule could ever delete: keep strings short and structure simple.
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditError(f"{path}: keys must be strings")
            _check_details(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
    elif isinstance(value, _ALLOWED_DETAIL_TYPES):
        if isinstance(value, str) and len(value) > _MAX_DETAIL_STRING:
            raise AuditError(f"{path}: string longer than {_MAX_DETAIL_STRING} characters")
    else:
        raise AuditError(f"{path}: {type(value).__name__} is not allowed in audit details")


def canonical(
    *,
    sequence: int,
    previous_hash: str,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
) -> bytes:
    """The exact bytes that are hashed: sorted keys, no insignificant whitespace, UTC microseconds."""
    document = {
        "sequence": sequence,
        "previous_hash": previous_hash,
        "occurred_at": occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "organisation_id": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        canonical(
            sequence=event.sequence,
            previous_hash=event.previous_hash,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            organisation_id=event.organisation_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=event.details,
        )
    ).hexdigest()


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organisation: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise AuditError("audit.record must be called inside transaction.atomic() with the change it records")
    details = details or {}
    _check_details(details)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = str(getattr(actor, "username", "")) if actor is not None else "system"
    organisation_id = getattr(organisation, "pk", organisation) if organisation is not None else None

    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Only an empty trail may start a new chain (a fresh or flushed database). A missing head beside
        # existing events means tampering: refuse to write rather than fork the chain.
        if AuditEvent.objects.exists():
            raise AuditError("the audit chain head is missing; run `tiaki audit verify`")
        head, _ = AuditHead.objects.get_or_create(pk=1)
    occurred_at = timezone.now()
    event = AuditEvent(
        sequence=head.sequence + 1,
        previous_hash=head.hash,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        organisation_id=organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
    event.hash = _event_hash(event)
    event.save()
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    events_checked: int
    first_bad_sequence: int | None = None
    reason: str = ""


def verify(events: Iterable[AuditEvent] | None = None) -> Verification:
    """Walk the chain from the start; report the first event that was edited, deleted or reordered."""
    if events is None:
        events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000)
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in events:
        if event.sequence != expected_sequence:
            return Verification(
                False,
                checked,
                expected_sequence,
                f"event #{expected_sequence} is missing (next present is #{event.sequence})",
            )
        if event.previous_hash != previous_hash:
            return Verification(
                False,
                checked,
                event.sequence,
                f"event #{event.sequence} does not follow event #{event.sequence - 1}",
            )
        if _event_hash(event) != event.hash:
            return Verification(False, checked, event.sequence, f"event #{event.sequence} was altered")
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return Verification(False, checked, None, "the chain head is missing")
    if head.sequence != checked or head.hash != previous_hash:
        return Verification(
            False,
            checked,
            checked + 1,
            f"events after #{checked} were deleted (the head records #{head.sequence})",
        )
    return Verification(True, checked)
