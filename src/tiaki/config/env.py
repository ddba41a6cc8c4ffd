"""The environment table: every setting Tiaki reads from the environment, typed, with its default."""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot produce a safe configuration."""


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {raw!r}")


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _int(raw: str) -> int:
    return int(raw.strip())


def _str(raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, parser, default and what an operator needs to know."""

    name: str
    parse: Callable[[str], Any]
    default: str | None
    help: str
    secret: bool = False
    required_in_production: bool = False


# The single source of truth for configuration. docs/operator-guide.md documents every entry (a test checks).
VARIABLES: tuple[Variable, ...] = (
    Variable(
        "TIAKI_ENV",
        _str,
        "",
        "`production` selects the production settings (TLS only, secure cookies, required secrets).",
    ),
    Variable(
        "TIAKI_DATA_DIR",
        _str,
        None,
        "Directory for the embedded database, generated development secrets, uploads and exports. "
        "Default: ./var under the current directory.",
    ),
    Variable(
        "TIAKI_DATABASE_URL",
        _str,
        None,
        "Database URL (postgres://user:pass@host:5432/name or sqlite:///path). "
        "Default: an SQLite file in TIAKI_DATA_DIR, in WAL mode.",
        secret=True,
        required_in_production=True,
    ),
    Variable(
        "TIAKI_SECRET_KEY",
        _str,
        None,
        "Django secret key (signing sessions and tokens). Generated into TIAKI_DATA_DIR/secrets.json "
        "outside production.",
        secret=True,
        required_in_production=True,
    ),
    Variable(
        "TIAKI_DATA_KEYS",
        _str,
        None,
        "Data-encryption keys as JSON {key_id: base64 32-byte key}; the last entry encrypts new data. "
        "Generated outside production.",
        secret=True,
        required_in_production=True,
    ),
    Variable(
        "TIAKI_BLIND_INDEX_KEY",
        _str,
        None,
        "Base64 32-byte key for keyed blind indexes (exact-match lookups on encrypted values). "
        "Generated outside production.",
        secret=True,
        required_in_production=True,
    ),
    Variable(
        "TIAKI_BACKUP_KEY",
        _str,
        None,
        "Base64 32-byte key that seals backups (`tiaki backup`). Kept apart from the data keys, so a backup "
        "and a data key must both be stolen to read anything. Generated outside production.",
        secret=True,
    ),
    Variable(
        "TIAKI_ALLOWED_HOSTS",
        _list,
        "127.0.0.1,localhost",
        "Comma-separated host names this server answers to.",
    ),
    Variable("TIAKI_DEBUG", _bool, "false", "Django debug mode. Never true in production."),
    Variable("TIAKI_SESSION_IDLE_MINUTES", _int, "30", "Staff sessions end after this many idle minutes."),
    Variable("TIAKI_SESSION_MAX_HOURS", _int, "12", "Staff sessions end this many hours after login."),
    Variable(
        "TIAKI_LOGIN_FAILURE_LIMIT",
        _int,
        "5",
        "Failed staff logins (per username) before the account is locked for TIAKI_LOCKOUT_MINUTES.",
    ),
    Variable(
        "TIAKI_LOCKOUT_MINUTES", _int, "30", "How long a staff login stays locked after too many failures."
    ),
    Variable(
        "TIAKI_TIP_RATE_LIMIT",
        _int,
        "60",
        "Public tips accepted per ten minutes across the whole site (abuse limit that identifies nobody).",
    ),
    Variable(
        "TIAKI_API_RATE_LIMIT",
        _str,
        "600/m",
        "Partner API requests per caller (API key or staff user) and period (s, m, h, d); over it, 429.",
    ),
    Variable(
        "TIAKI_SPARK_MASTER",
        _str,
        "local[2]",
        "Spark master URL for the spark resolution engine (local[N] or spark://host:7077).",
    ),
    Variable("TIAKI_LOG_LEVEL", _str, "INFO", "Log level for Tiaki's own loggers."),
)

_BY_NAME: dict[str, Variable] = {v.name: v for v in VARIABLES}


def read(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """Return the parsed value of one variable, its parsed default, or None when unset without default."""
    variable = _BY_NAME[name]
    source = os.environ if environ is None else environ
    raw = source.get(name, variable.default)
    if raw is None:
        return None
    try:
        return variable.parse(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}: {exc}") from exc


def require_production_secrets(environ: Mapping[str, str] | None = None) -> None:
    """Fail fast when a production secret is missing: a silent default would be a security hole."""
    source = os.environ if environ is None else environ
    missing = [v.name for v in VARIABLES if v.required_in_production and not source.get(v.name)]
    if missing:
        raise ConfigurationError(
            "production start-up refused; set these environment variables: " + ", ".join(missing)
        )


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    configured = read("TIAKI_DATA_DIR", environ)
    path = Path(configured) if configured else Path.cwd() / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def development_secrets(directory: Path) -> dict[str, Any]:
    """Load, or create once, the 0600 secrets file used outside production.

    Keeping generated secrets in one file means data encrypted by a demo stays readable after a restart.
    """
    import base64

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    fresh: dict[str, Any] = {
        "TIAKI_SECRET_KEY": secrets.token_urlsafe(50),
        "TIAKI_DATA_KEYS": {"k1": key()},
        "TIAKI_BLIND_INDEX_KEY": key(),
        "TIAKI_BACKUP_KEY": key(),
    }
    path = directory / "secrets.json"
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigurationError(f"{path} must not be readable by others (chmod 600 {path})")
        loaded: dict[str, Any] = json.loads(path.read_text())
        missing = {name: value for name, value in fresh.items() if name not in loaded}
        if missing:  # a secret introduced after this data directory was made: add it, keep the rest
            loaded.update(missing)
            path.write_text(json.dumps(loaded, indent=2))
        return loaded
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(fresh, handle, indent=2)
    return fresh
