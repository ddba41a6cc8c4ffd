"""Field encryption, blind indexes and key rotation."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tiaki.accounts.models import Organisation
from tiaki.governance import crypto, files
from tiaki.governance.models import AuditEvent
from tiaki.intake.models import Channel, Report

KEY_1 = base64.b64encode(b"1" * 32).decode()
KEY_2 = base64.b64encode(b"2" * 32).decode()
BLIND = base64.b64encode(b"b" * 32).decode()


def _stored(report: Report, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM intake_report WHERE id = %s", [report.pk])
        return str(cursor.fetchone()[0])


def _report(organisation: Organisation, narrative: str) -> Report:
    return Report.objects.create(organisation=organisation, channel=Channel.INTERVIEW, narrative=narrative)


@given(st.text(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_encryption_round_trips_any_text(text: str) -> None:
    ring = crypto.keyring()
    token = ring.encrypt(text.encode("utf-8", "surrogatepass"), b"t.c")
    assert ring.decrypt(token, b"t.c") == text.encode("utf-8", "surrogatepass")


def test_ciphertext_is_bound_to_its_table_and_column() -> None:
    ring = crypto.keyring()
    token = ring.encrypt(b"Nguyen Thi Lan", b"intake_report.narrative")
    with pytest.raises(crypto.DecryptionError, match="authentication failed"):
        ring.decrypt(token, b"intake_report.place")


def test_the_same_value_encrypts_differently_each_time() -> None:
    ring = crypto.keyring()
    assert ring.encrypt(b"same", b"a") != ring.encrypt(b"same", b"a")


@pytest.mark.django_db
def test_model_field_stores_only_a_token_with_its_key_id(org_a: Organisation) -> None:
    report = _report(org_a, "Đã lấy hộ chiếu của tôi")
    stored = _stored(report, "narrative")
    assert stored.startswith(f"tk1:{crypto.keyring().current_id}:")
    assert "hộ chiếu" not in stored
    assert Report.objects.get(pk=report.pk).narrative == "Đã lấy hộ chiếu của tôi"


@pytest.mark.django_db
def test_lookups_on_encrypted_fields_are_refused(org_a: Organisation) -> None:
    _report(org_a, "secret")
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Report.objects.filter(narrative="secret"))
    assert Report.objects.filter(place__isnull=False).count() == 1


def test_blind_index_matches_normalised_equal_values_only() -> None:
    assert crypto.blind_index("  +84 987 654 321", purpose="phone") == crypto.blind_index(
        "+84 987 654 321", purpose="phone"
    )
    assert crypto.blind_index("TRẦN văn HÙNG", purpose="name") == crypto.blind_index(
        "trần văn hùng", purpose="name"
    )
    assert crypto.blind_index("x", purpose="name") != crypto.blind_index("x", purpose="phone")
    assert len(crypto.blind_index("x", purpose="name")) == 64


@pytest.mark.django_db(transaction=True)
def test_key_rotation_re_encrypts_everything_under_the_newest_key(
    org_a: Organisation, tmp_path: Path
) -> None:
    # A data directory of its own: rotation also re-encrypts attachment files, and other tests' files
    # (sealed under the suite's key) are not this test's business.
    with (
        override_settings(DATA_DIR=tmp_path),
        override_settings(TIAKI_DATA_KEYS={"old": KEY_1}, TIAKI_BLIND_INDEX_KEY=BLIND),
    ):
        reports = [_report(org_a, f"narrative {i}") for i in range(3)]
        assert all(_stored(r, "narrative").startswith("tk1:old:") for r in reports)
        photo = files.store(b"pixels")
        assert (tmp_path / "attachments" / f"{photo}.bin").read_text().startswith("tk1:old:")
    with (
        override_settings(DATA_DIR=tmp_path),
        override_settings(TIAKI_DATA_KEYS={"old": KEY_1, "new": KEY_2}, TIAKI_BLIND_INDEX_KEY=BLIND),
    ):
        call_command("keys", "rotate", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
        assert all(_stored(r, "narrative").startswith("tk1:new:") for r in reports)
        assert all(_stored(r, "place").startswith("tk1:new:") for r in reports)
        assert [Report.objects.get(pk=r.pk).narrative for r in reports] == [
            f"narrative {i}" for i in range(3)
        ]
        assert (tmp_path / "attachments" / f"{photo}.bin").read_text().startswith("tk1:new:")
        assert files.load(photo) == b"pixels"
        # narrative, place and the attachment files
        assert AuditEvent.objects.filter(action="keys.rotate").count() == 3
    with override_settings(TIAKI_DATA_KEYS={"new": KEY_2}, TIAKI_BLIND_INDEX_KEY=BLIND):
        # The old key can now be retired: nothing depends on it any more.
        assert Report.objects.get(pk=reports[0].pk).narrative == "narrative 0"
