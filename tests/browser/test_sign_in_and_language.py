"""In a real browser: staff sign-in with two-factor (enrolled and first-time) and switching language."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role

from .conftest import screenshot

PASSWORD = "correct horse battery staple"


def _code_for(key: bytes) -> str:
    return f"{totp(key):06d}"


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_second_factor_then_switch_language(
    page: Any, live_server: Any, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.LIAISON_OFFICER, username="aroha")
    user.display_name = "Aroha Ngata"
    user.save(update_fields=["display_name"])
    _sign_in(page, live_server.url, "aroha")
    page.wait_for_url(re.compile(r"/en/accounts/two-factor/"))
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label(re.compile("Six-digit code")).fill(_code_for(device.bin_key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/en/staff/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Kia ora, Aroha Ngata"
    expect(page.get_by_role("link", name="Triage queue")).to_be_visible()
    screenshot(page, "home-en")

    english_sign_out = page.get_by_role("button", name="Sign out").inner_text()
    page.get_by_label("Language").select_option("vi")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"/vi/staff/$"))
    assert page.locator("html").get_attribute("lang") == "vi"
    vietnamese_sign_out = page.locator("nav form button").inner_text()
    assert vietnamese_sign_out != english_sign_out  # the interface really is translated
    screenshot(page, "home-vi")

    page.locator("#language-select").select_option("th")
    page.locator("form.language button").click()
    page.wait_for_url(re.compile(r"/th/staff/$"))
    assert page.locator("html").get_attribute("lang") == "th"


@pytest.mark.django_db(transaction=True)
def test_first_sign_in_enrols_an_authenticator_in_the_browser(
    page: Any, live_server: Any, org_b: Organisation, make_user: Callable[..., User]
) -> None:
    make_user(org_b, Role.CASEWORKER, username="ha", enrolled=False)
    _sign_in(page, live_server.url, "ha")
    page.wait_for_url(re.compile(r"/en/accounts/two-factor/enrol/"))
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label(re.compile("Six-digit code")).fill(_code_for(base64.b32decode(secret)))
    screenshot(page, "enrol")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/en/staff/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kia ora")
