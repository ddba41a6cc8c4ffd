"""End to end, as an operator would see it: `tiaki audit verify` on a real SQLite file, then tampered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from ..conftest import run_tiaki as _tiaki

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="edits the SQLite file directly; the PostgreSQL run covers the same logic in test_audit.py",
)


def test_tiaki_audit_verify_names_the_event_edited_in_sqlite(demo_data_dir: Path) -> None:
    intact = _tiaki(demo_data_dir, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit chain intact:")

    database = sqlite3.connect(demo_data_dir / "tiaki.sqlite3")
    with database:
        database.execute("UPDATE governance_auditevent SET actor_label = 'someone-else' WHERE sequence = 7")
    database.close()

    broken = _tiaki(demo_data_dir, "audit", "verify")
    assert broken.returncode != 0
    assert "BROKEN at event #7: event #7 was altered" in broken.stderr
