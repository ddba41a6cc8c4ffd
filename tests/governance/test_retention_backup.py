"""Crypto-shredding reaches backups: a backup taken before the shred and restored cannot show the shred."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from tiaki.accounts.models import Organisation, User
from tiaki.community.models import TipMessage, TipPhoto
from tiaki.governance import audit, backup, crypto, files, retention
from tiaki.governance.models import AuditEvent
from tiaki.intake import services as intake
from tiaki.intake.models import Channel, Report

from . import test_retention as shared
from .test_retention import NOW, SHREDDED, month, narrative, tip

# The fixtures of test_retention: a key directory per test, a tip desk and its officer.
key_directory = shared.key_directory
receiving_org = shared.receiving_org
officer = shared.officer


def message(report: Report) -> str:
    return TipMessage.objects.get(report_id=report.pk).text


def photo(report: Report) -> bytes:
    return files.load(TipPhoto.objects.get(report_id=report.pk).storage_key)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_before_the_shred_cannot_reveal_the_shredded_tip(
    tmp_path: Path,
    officer: User,
    org_a: Organisation,
    make_user: Callable[..., User],
) -> None:
    old = tip(officer, received=NOW - dt.timedelta(days=200), closed=NOW - dt.timedelta(days=91), words="OLD")
    recent = tip(
        officer, received=NOW - dt.timedelta(days=100), closed=NOW - dt.timedelta(days=89), words="RECENT"
    )
    partner = intake.report_submit(
        actor=None, organisation=org_a, channel=Channel.INTERVIEW, narrative="PARTNER REPORT"
    )
    assert photo(old) == photo(recent)  # both readable before

    archive = tmp_path / "before-the-shred.backup"
    manifest = backup.create(archive)
    [outcome] = retention.run(now=NOW)
    assert (outcome.period, outcome.rows, outcome.key_destroyed) == (
        month(NOW - dt.timedelta(days=200)),
        1,
        True,
    )
    assert AuditEvent.objects.filter(action="retention.shred").count() == 1

    backup.restore(archive)

    # The old backup brought the shredded tip's rows and photo file back, but nothing can decrypt them.
    assert narrative(old) == SHREDDED and crypto.is_shredded(narrative(old))
    assert message(old) == SHREDDED
    with pytest.raises(files.FileGone):
        photo(old)
    # Everything else in that backup still decrypts.
    assert narrative(recent).startswith("RECENT")
    assert message(recent) == "reply to RECENT"
    assert photo(recent)[:8] == b"\x89PNG\r\n\x1a\n"
    assert narrative(partner) == "PARTNER REPORT"
    # The restored chain is the backup's own, intact.
    verified = audit.verify()
    assert verified.ok and verified.events_checked == manifest.audit_sequence

    # The next daily run removes the restored copy again and records that it did.
    [again] = retention.run(now=NOW)
    assert (again.rows, again.parts["community.tipmessage"], again.key_destroyed) == (1, 1, False)
    assert not TipMessage.objects.filter(report_id=old.pk).exists()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue() == f"audit chain intact: {manifest.audit_sequence + 1} events\n"
    assert AuditEvent.objects.order_by("-sequence").first().action == "retention.shred"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_period_key_archive_never_brings_back_a_destroyed_key(
    tmp_path: Path, officer: User, key_directory: Path
) -> None:
    old = tip(officer, received=NOW - dt.timedelta(days=200), closed=NOW - dt.timedelta(days=91), words="OLD")
    recent = tip(
        officer, received=NOW - dt.timedelta(days=100), closed=NOW - dt.timedelta(days=89), words="RECENT"
    )
    old_key = f"anonymous_tip@{month(NOW - dt.timedelta(days=200))}"
    recent_key = f"anonymous_tip@{month(NOW - dt.timedelta(days=100))}"
    keys_archive = tmp_path / "period-keys.backup"
    out = io.StringIO()
    call_command("backup", "--period-keys-out", str(keys_archive), stdout=out)
    assert out.getvalue() == f"period keys written: {keys_archive} (2 keys, 0 destroyed)\n"
    assert b"anonymous_tip" not in keys_archive.read_bytes()  # sealed with the backup key

    retention.run(now=NOW)
    (key_directory / f"{recent_key}.key").unlink()  # a lost key, as after a disk failure
    assert narrative(recent) == SHREDDED

    out = io.StringIO()
    call_command("restore", "--period-keys", str(keys_archive), stdout=out)
    assert out.getvalue() == "period keys restored: 1; refused (destroyed under retention): 1\n"
    assert narrative(recent).startswith("RECENT")  # the lost key is back
    assert narrative(old) == SHREDDED  # the destroyed one is not
    assert not (key_directory / f"{old_key}.key").exists()
