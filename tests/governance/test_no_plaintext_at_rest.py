"""A dump of the database, as a thief with the disk or a backup would see it, holds no encrypted plaintext."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from tiaki.accounts.models import Organisation
from tiaki.governance.crypto import encrypted_fields
from tiaki.intake.models import Channel, Report

MARKERS = ["Nguyễn Thị Mai-7731", "Moei-river-safehouse-4410", "สมชาย-ใจดี-2093", "ဒေါ်အေးအေး-5521"]


def _dump() -> str:
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        sqlite = shutil.which("sqlite3")
        assert sqlite, "the sqlite3 command-line tool is required (installed by make setup)"
        return subprocess.run(
            [sqlite, database["NAME"], ".dump"], capture_output=True, text=True, check=True
        ).stdout
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    args = [
        pg_dump,
        "--no-owner",
        "-h",
        database.get("HOST") or "127.0.0.1",
        "-p",
        str(database.get("PORT") or 5432),
        "-U",
        database.get("USER") or "postgres",
        database["NAME"],
    ]
    return subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout


@pytest.mark.django_db(transaction=True)
def test_dump_contains_no_plaintext_of_any_encrypted_field(org_a: Organisation) -> None:
    for i, marker in enumerate(MARKERS):
        Report.objects.create(
            organisation=org_a,
            channel=Channel.INTERVIEW,
            narrative=f"Story {marker}",
            place=f"Near {marker}",
            country="TH",
        )
        assert Report.objects.filter(place__isnull=False).count() == i + 1
    dump = _dump()
    assert "intake_report" in dump  # the dump really covers the table
    assert dump.count("tk1:") >= 2 * len(MARKERS)
    for marker in MARKERS:
        assert marker not in dump
    # A new encrypted field must be added here, with data above, so this test keeps covering every one.
    assert {f"{m._meta.label_lower}.{f.name}" for m, f in encrypted_fields()} >= {
        "intake.report.narrative",
        "intake.report.place",
    }
