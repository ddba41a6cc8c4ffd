"""Backups: encrypted, verifiable, restorable on SQLite and PostgreSQL, with the audit chain intact."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tiaki.governance import backup

from ..conftest import run_tiaki

KEY = os.urandom(32)


def test_seal_round_trips_across_chunk_boundaries() -> None:
    for size in (0, 1, backup.CHUNK - 1, backup.CHUNK, backup.CHUNK + 1, 3 * backup.CHUNK + 17):
        data = os.urandom(size)
        sealed, opened = io.BytesIO(), io.BytesIO()
        backup.seal(io.BytesIO(data), sealed, KEY)
        backup.unseal(io.BytesIO(sealed.getvalue()), opened, KEY)
        assert opened.getvalue() == data


@pytest.mark.parametrize("damage", ["flip", "truncate", "drop_chunk", "wrong_key"])
def test_any_damage_is_detected(damage: str) -> None:
    sealed = io.BytesIO()
    backup.seal(io.BytesIO(os.urandom(2 * backup.CHUNK + 5)), sealed, KEY)
    blob = bytearray(sealed.getvalue())
    key = KEY
    header = len(backup.MAGIC) + backup._NONCE_PREFIX
    if damage == "flip":
        blob[header + 100] ^= 1
    elif damage == "truncate":
        blob = blob[: header + backup.CHUNK + 16]  # ends after a chunk that is not marked last
    elif damage == "drop_chunk":
        blob = blob[:header] + blob[header + backup.CHUNK + 16 :]
    else:
        key = os.urandom(32)
    with pytest.raises(backup.BackupError, match="failed authentication"):
        backup.unseal(io.BytesIO(bytes(blob)), io.BytesIO(), key)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded database; the PostgreSQL round trip is the test below",
)
def test_sqlite_backup_restore_round_trip(demo_data_dir: Path, tmp_path: Path) -> None:
    data = demo_data_dir
    archive = tmp_path / "tiaki.backup"
    made = run_tiaki(data, "backup", "--out", str(archive))
    assert made.returncode == 0, made.stderr
    assert b"tiaki.sqlite3" not in archive.read_bytes() and b"SQLite format" not in archive.read_bytes()
    assert run_tiaki(data, "backup", "--verify", str(archive)).returncode == 0

    # Change the live system after the backup, then restore: the change is gone, the chain still verifies.
    changed = run_tiaki(
        data,
        "shell",
        "--no-imports",
        "-c",
        "from tiaki.accounts import services as s; s.organisation_create(actor=None, "
        "name='Created after the backup', org_type='ngo', country='NZ')",
    )
    assert changed.returncode == 0, changed.stderr
    restored = run_tiaki(data, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in restored.stdout
    count = run_tiaki(
        data,
        "shell",
        "--no-imports",
        "-c",
        "from tiaki.accounts.models import Organisation as O; "
        "print(O.objects.filter(name='Created after the backup').count())",
    )
    assert count.stdout.strip() == "0"

    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    refused = run_tiaki(data, "restore", str(archive), "--yes")
    assert refused.returncode != 0 and "failed authentication" in refused.stderr


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_another_database(tmp_path: Path, org_a: object) -> None:
    import psycopg

    from tiaki.governance import audit

    database = settings.DATABASES["default"]
    archive = tmp_path / "pg.backup"
    manifest = backup.create(archive)
    assert manifest.engine == "postgresql" and manifest.audit_sequence == audit.verify().events_checked
    dsn = (
        f"host={database['HOST']} port={database['PORT']} user={database['USER']} "
        f"password={database['PASSWORD']} dbname=postgres"
    )
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS tiaki_restored")
        admin.execute("CREATE DATABASE tiaki_restored")
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
        "/tiaki_restored"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIAKI_", "DJANGO_"))}
    env.update(
        {
            "TIAKI_DATA_DIR": str(tmp_path / "data"),
            "TIAKI_DATABASE_URL": url,
            "TIAKI_BACKUP_KEY": settings.TIAKI_BACKUP_KEY,
            "TIAKI_DATA_KEYS": __import__("json").dumps(settings.TIAKI_DATA_KEYS),
            "TIAKI_BLIND_INDEX_KEY": settings.TIAKI_BLIND_INDEX_KEY,
            "DJANGO_SETTINGS_MODULE": "tiaki.config.settings.base",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "tiaki.cli", "restore", str(archive), "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"audit chain intact: {manifest.audit_sequence} events" in result.stdout
