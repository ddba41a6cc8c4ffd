"""`tiaki demo`: one account per role, printed; a second start keeps the same data and accounts."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings

from tiaki.accounts.permissions import Role

from ..conftest import run_tiaki

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the demo runs on the embedded database",
)


def _accounts(output: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^(\S+)\s+(\S+-Tiaki-demo)\s+(\w+)\s+.*?\s(\S*)$", output, flags=re.MULTILINE)
    return {username: (role, totp) for username, _password, role, totp in rows}


def test_demo_prints_one_account_per_role_and_persists_across_restarts(tmp_path: Path) -> None:
    first = run_tiaki(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    accounts = _accounts(first.stdout)
    assert {role for role, _ in accounts.values()} == {r.value for r in Role if r != Role.PARTNER_SYSTEM}

    database = sqlite3.connect(tmp_path / "tiaki.sqlite3")
    counts = [
        database.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("accounts_user", "accounts_organisation", "governance_auditevent")
    ]
    database.close()

    second = run_tiaki(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert _accounts(second.stdout) == accounts  # same accounts, same authenticator keys
    database = sqlite3.connect(tmp_path / "tiaki.sqlite3")
    assert [
        database.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("accounts_user", "accounts_organisation", "governance_auditevent")
    ] == counts
    database.close()
    code = run_tiaki(tmp_path, "otp-code", "liaison.bangkok")
    assert re.match(r"^\d{6}  \(valid for \d+ more seconds\)$", code.stdout.strip())
