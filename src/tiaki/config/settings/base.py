"""Base settings: the embedded default (SQLite + DuckDB) used by `tiaki demo` and development."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from tiaki.config import env

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = env.data_dir()

PRODUCTION = False
DEBUG = env.read("TIAKI_DEBUG")
ALLOWED_HOSTS: list[str] = env.read("TIAKI_ALLOWED_HOSTS")


def _secrets() -> dict[str, Any]:
    """Environment first; outside production, fall back to the generated 0600 file in the data dir."""
    values: dict[str, Any] = {}
    generated: dict[str, Any] | None = None
    for name in ("TIAKI_SECRET_KEY", "TIAKI_DATA_KEYS", "TIAKI_BLIND_INDEX_KEY", "TIAKI_BACKUP_KEY"):
        raw = env.read(name)
        if raw:
            values[name] = json.loads(raw) if name == "TIAKI_DATA_KEYS" else raw
            continue
        if env.read("TIAKI_ENV") == "production" and name == "TIAKI_BACKUP_KEY":
            values[name] = ""  # optional in production: `tiaki backup` says so when it is missing
            continue
        if generated is None:
            generated = env.development_secrets(DATA_DIR)
        values[name] = generated[name]
    return values


_SECRETS = _secrets()
SECRET_KEY: str = _SECRETS["TIAKI_SECRET_KEY"]
# Data-encryption keys: {key_id: base64 key}; insertion order matters, the last key encrypts new data.
TIAKI_DATA_KEYS: dict[str, str] = _SECRETS["TIAKI_DATA_KEYS"]
TIAKI_BLIND_INDEX_KEY: str = _SECRETS["TIAKI_BLIND_INDEX_KEY"]
TIAKI_BACKUP_KEY: str = _SECRETS["TIAKI_BACKUP_KEY"]
TIAKI_SPARK_MASTER: str = env.read("TIAKI_SPARK_MASTER")
TIAKI_TIP_RATE_LIMIT: int = env.read("TIAKI_TIP_RATE_LIMIT")
TIAKI_API_RATE_LIMIT: str = env.read("TIAKI_API_RATE_LIMIT")

INSTALLED_APPS = [
    "tiaki.accounts",
    "tiaki.governance",
    "tiaki.intake",
    "tiaki.cases",
    "tiaki.community",
    "tiaki.intelligence",
    "tiaki.programmes",
    "tiaki.stats",
    "tiaki.screening",
    "tiaki.resolution",
    "tiaki.world",
    "tiaki.api",
    "tiaki.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tiaki.web.middleware.ApiRequiresHttpsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tiaki.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tiaki.web.middleware.RefuseNulMiddleware",
    "tiaki.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tiaki.config.urls"
WSGI_APPLICATION = "tiaki.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tiaki.web.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env.read("TIAKI_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tiaki.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE transactions serialise writers up front instead of failing half-way with
        # "database is locked"; WAL lets readers carry on while one request writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: per username, so an attacker cycling addresses cannot dodge it, and no IP address is kept
# (anonymous reporters share the server; we never store their addresses).
AXES_FAILURE_LIMIT = env.read("TIAKI_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env.read("TIAKI_LOCKOUT_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER: list[str] = []
AXES_CLIENT_IP_CALLABLE = "tiaki.accounts.lockout.no_client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.read("TIAKI_SESSION_MAX_HOURS") * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
TIAKI_SESSION_IDLE_SECONDS = env.read("TIAKI_SESSION_IDLE_MINUTES") * 60
TIAKI_SESSION_MAX_SECONDS = SESSION_COOKIE_AGE

OTP_TOTP_ISSUER = "Tiaki"

# Content-Security-Policy: everything is self-hosted; scripts only with a per-response nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, which fails
# CSRF origin checks; same-origin still tells no other site where a visitor came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Languages (BCP 47). Django lacks Sinhala, Māori and S'gaw Karen: they are added to LANG_INFO here.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("my", _("Burmese")),
    ("ksw", _("S'gaw Karen")),
    ("ms", _("Malay")),
    ("id", _("Indonesian")),
    ("si", _("Sinhala")),
    ("ta", _("Tamil")),
    ("mi", _("Māori")),
]
EXTRA_LANG_INFO = {
    "si": {"bidi": False, "code": "si", "name": "Sinhala", "name_local": "සිංහල"},
    "mi": {"bidi": False, "code": "mi", "name": "Māori", "name_local": "Te Reo Māori"},
    "ksw": {"bidi": False, "code": "ksw", "name": "S'gaw Karen", "name_local": "ကညီကျိာ်"},
}
LANG_INFO.update(EXTRA_LANG_INFO)
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

NINJA_PAGINATION_PER_PAGE = 50

# Logging never records client addresses or user agents: the access log of the WSGI server is off
# (see tiaki.cli serve) and Django's request logger only carries paths and status codes.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "tiaki": {"handlers": ["console"], "level": env.read("TIAKI_LOG_LEVEL"), "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# axes.W006 warns that username-only lockout can be dodged by rotating user agents; it cannot, since
# the username is the key. Adding the client address would mean storing reporters' and staff addresses.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
