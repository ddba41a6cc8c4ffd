"""Browser helpers: where Chromium is, how it starts, screenshots (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between
# browser steps are still synchronous and single-threaded, which is what this flag acknowledges.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the background-networking flags Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in_verified(context: Any, user: Any, base: str) -> None:
    """Give the browser a session of `user` that has passed the second factor (the sign-in pages have
    their own browser test; the others start signed in)."""
    from django.conf import settings

    from ..conftest import verified_client

    client = verified_client(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
