"""Test settings: the suite runs on SQLite by default and on PostgreSQL when TIAKI_DATABASE_URL says so."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TIAKI_DATA_DIR", tempfile.mkdtemp(prefix="tiaki-test-"))

from tiaki.config.settings.base import *  # noqa: F403
from tiaki.config.settings.base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing directory otherwise
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so tests can inspect the database the way an attacker with the disk would.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# The API fuzzer sends hundreds of requests with one key within a minute; tests of the limit override it.
TIAKI_API_RATE_LIMIT = "100000/m"
