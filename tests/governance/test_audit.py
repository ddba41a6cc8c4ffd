"""The audit chain: appended inside transactions, and any edit, deletion or reordering is detected."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tiaki.governance import audit
from tiaki.governance.models import AuditEvent, AuditHead


def _append(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit.record(
                    actor=None, action="test.event", object_type="test", object_id=i, details={"i": i}
                )
            )
    return events


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous_one() -> None:
    events = _append(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].previous_hash == "0" * 64
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    head = AuditHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (3, events[2].hash)
    assert audit.verify() == audit.Verification(True, 3)


@pytest.mark.django_db
def test_verify_command_passes_on_an_untouched_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _append(4)
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == "audit chain intact: 4 events"


@pytest.mark.django_db
def test_an_edited_event_is_named() -> None:
    _append(5)
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE sequence = %s", ["test.forged", 3])
    with pytest.raises(CommandError, match=r"BROKEN at event #3: event #3 was altered"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_editing_details_is_detected() -> None:
    _append(3)
    _raw(f"UPDATE {AuditEvent._meta.db_table} SET details = %s WHERE sequence = %s", ['{"i": 99}', 2])
    result = audit.verify()
    assert (result.ok, result.first_bad_sequence) == (False, 2)


@pytest.mark.django_db
def test_a_deleted_event_is_named() -> None:
    _append(5)
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence = %s", [2])
    result = audit.verify()
    assert result == audit.Verification(False, 1, 2, "event #2 is missing (next present is #3)")


@pytest.mark.django_db
def test_deleting_the_newest_events_is_detected_through_the_head() -> None:
    _append(5)
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence >= %s", [4])
    result = audit.verify()
    assert (result.ok, result.first_bad_sequence) == (False, 4)
    assert "deleted" in result.reason


@pytest.mark.django_db
def test_reordered_events_are_detected() -> None:
    _append(4)
    table = AuditEvent._meta.db_table
    _raw(f"UPDATE {table} SET sequence = %s WHERE sequence = %s", [1000, 2])
    _raw(f"UPDATE {table} SET sequence = %s WHERE sequence = %s", [2, 3])
    _raw(f"UPDATE {table} SET sequence = %s WHERE sequence = %s", [3, 1000])
    result = audit.verify()
    assert (result.ok, result.first_bad_sequence) == (False, 2)


@pytest.mark.django_db(transaction=True)  # a plain django_db test runs inside a transaction already
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(audit.AuditError, match=r"inside transaction\.atomic"):
        audit.record(actor=None, action="test.event")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_free_text_cannot_enter_audit_details() -> None:
    with transaction.atomic(), pytest.raises(audit.AuditError, match="longer than 200"):
        audit.record(actor=None, action="test.event", details={"note": "x" * 201})
    with transaction.atomic(), pytest.raises(audit.AuditError, match="float is not allowed"):
        audit.record(actor=None, action="test.event", details={"score": 0.5})


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_event() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="test.event")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0
    assert AuditHead.objects.get(pk=1).sequence == 0
