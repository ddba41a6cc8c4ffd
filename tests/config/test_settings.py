"""Settings: production refuses to start without secrets, passes Django's deploy checks, and is documented."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tiaki.config import env

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TIAKI_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "tiaki.cli", *args],
        env={**clean, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "TIAKI_ENV": "production",
        "TIAKI_DATA_DIR": str(tmp_path),
        "TIAKI_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "TIAKI_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "TIAKI_DATA_KEYS": json.dumps({"p1": base64.b64encode(os.urandom(32)).decode()}),
        "TIAKI_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TIAKI_ALLOWED_HOSTS": "tiaki.example.org",
    }


def test_production_start_up_fails_fast_without_secrets(tmp_path: Path) -> None:
    result = _run(["check"], {"TIAKI_ENV": "production", "TIAKI_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert (
        "production start-up refused; set these environment variables: TIAKI_DATABASE_URL, "
        "TIAKI_SECRET_KEY, TIAKI_DATA_KEYS, TIAKI_BLIND_INDEX_KEY" in result.stderr
    )
    assert not (tmp_path / "secrets.json").exists()  # nothing was silently generated


def test_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_host_prefixed_and_secure(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_NAME, "
        "s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors']]))"
    )
    result = _run(["shell", "--no-imports", "-c", code], _production_env(tmp_path))
    assert json.loads(result.stdout) == ["__Host-sessionid", "__Host-csrftoken", True, 63072000, ["'none'"]]


def test_development_secrets_are_generated_once_with_private_permissions(tmp_path: Path) -> None:
    first = env.development_secrets(tmp_path)
    assert env.development_secrets(tmp_path) == first
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
    (tmp_path / "secrets.json").chmod(0o644)
    with pytest.raises(env.ConfigurationError, match="must not be readable by others"):
        env.development_secrets(tmp_path)


def test_bad_values_are_named() -> None:
    with pytest.raises(env.ConfigurationError, match="TIAKI_DEBUG: expected a boolean"):
        env.read("TIAKI_DEBUG", {"TIAKI_DEBUG": "perhaps"})
    assert env.read("TIAKI_ALLOWED_HOSTS", {"TIAKI_ALLOWED_HOSTS": "a.org, b.org,"}) == ["a.org", "b.org"]


def test_every_environment_variable_is_documented() -> None:
    guide = (ROOT / "docs" / "operator-guide.md").read_text()
    documented = set(re.findall(r"^\| `(TIAKI_[A-Z_]+)` \|", guide, flags=re.MULTILINE))
    assert documented == {v.name for v in env.VARIABLES}


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
