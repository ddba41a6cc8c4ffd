"""Shared fixtures: organisations, users in every role, signed-in clients with a verified second factor."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role

_counter = itertools.count(1)

# CI runs the property tests and the API fuzzer with a fixed seed, so a red run is reproducible and a
# green one is not luck; developers' local runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def make_organisation(db: Any) -> Callable[..., Organisation]:
    def make(name: str | None = None, org_type: str = "ngo", country: str = "TH") -> Organisation:
        return accounts_services.organisation_create(
            actor=None, name=name or f"Organisation {next(_counter)}", org_type=org_type, country=country
        )

    return make


@pytest.fixture
def org_a(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("Agency A", org_type="immigration_service", country="NZ")


@pytest.fixture
def org_b(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("Agency B", org_type="ngo", country="VN")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        organisation: Organisation, role: Role | str, username: str | None = None, *, enrolled: bool = True
    ) -> User:
        user = accounts_services.user_create(
            actor=None,
            organisation=organisation,
            username=username or f"user{next(_counter)}",
            password="correct horse battery staple",
            role=str(role),
        )
        if enrolled:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            verified(user)
        return user

    return make


def verified(user: User) -> User:
    """Mark an in-memory user as having passed the second factor, as a signed-in session would."""
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


def verified_client(user: User) -> Client:
    """A test client signed in as `user` with the second factor already verified."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    return verified_client


def run_tiaki(data_dir: Any, *args: str, timeout: int = 300) -> Any:
    """Run the `tiaki` command in a fresh process on its own embedded database in `data_dir`."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIAKI_", "DJANGO_"))}
    env.update({"TIAKI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "tiaki.config.settings.base"})
    return subprocess.run(
        [sys.executable, "-m", "tiaki.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def _demo_1000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 1,000-person demo on the embedded database, built once per run by the real `tiaki demo`."""
    data = tmp_path_factory.mktemp("demo-1000")
    made = run_tiaki(data, "demo", "--no-serve", "--people", "1000")
    assert made.returncode == 0, made.stderr
    return data


@pytest.fixture
def demo_data_dir(_demo_1000: Path, tmp_path: Path) -> Path:
    """This test's own copy of the 1,000-person demo's data directory, free to change or break."""
    return Path(shutil.copytree(_demo_1000, tmp_path / "data"))


# --- the real browser: one Chromium for the whole session, shared by every app's browser tests ---------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"chromium", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Any:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Any:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-NZ")  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)  # assertions wait as long as actions do
    yield page
    context.close()
