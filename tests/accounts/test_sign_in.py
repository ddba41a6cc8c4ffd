"""Staff sign-in: password, then a second factor for sensitive roles; lockout; session time-outs."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.governance.models import AuditEvent

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
@override_settings(
    OTP_TOTP_THROTTLE_FACTOR=0
)  # django-otp slows retries after a wrong code; not under test here
def test_sensitive_role_must_pass_the_second_factor_before_any_page(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.LIAISON_OFFICER)
    client = Client()
    response = _login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_verify")
    # Signed in with the password only: the home page and the API still refuse.
    home = client.get(reverse("web:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/api/v1/accounts/me").status_code == 401

    current = _code(user.totpdevice_set.get())
    wrong = client.post(
        reverse("accounts:otp_verify"), {"token": f"{(int(current) + 500_000) % 1_000_000:06d}"}
    )
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()

    ok = client.post(reverse("accounts:otp_verify"), {"token": _code(user.totpdevice_set.get())})
    assert ok.status_code == 302 and ok["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get("/api/v1/accounts/me").json()["username"] == user.username
    assert list(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True)) == [
        "auth.login",
        "auth.second_factor",
    ]


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator(org_a: Organisation, make_user: Callable[..., User]) -> None:
    user = make_user(org_a, Role.CASEWORKER, enrolled=False)
    client = Client()
    assert _login(client, user.username)["Location"] == reverse("accounts:otp_enrol")
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_enrol"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_basic_role_needs_no_second_factor(org_a: Organisation, make_user: Callable[..., User]) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    client = Client()
    assert _login(client, user.username)["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gives_one_generic_answer(org_a: Organisation, make_user: Callable[..., User]) -> None:
    user = make_user(org_a, Role.ANALYST)
    unknown = _login(Client(), "nobody-here").content.decode()
    wrong = _login(Client(), user.username, "wrong password").content.decode()
    assert "The username or password is not right." in unknown
    assert "The username or password is not right." in wrong


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.ANALYST)
    for _ in range(3):
        _login(Client(), user.username, "wrong password")
    locked = _login(Client(), user.username)
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    from axes.models import AccessAttempt

    # Lockout is per username; no client address is stored.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {"0.0.0.0", None}


@pytest.mark.django_db
@override_settings(TIAKI_SESSION_IDLE_SECONDS=60)
def test_idle_sessions_end(
    org_a: Organisation,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = signed_in(make_user(org_a, Role.ANALYST))
    assert client.get(reverse("web:home")).status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@override_settings(TIAKI_SESSION_MAX_SECONDS=3600, TIAKI_SESSION_IDLE_SECONDS=3000)
def test_sessions_end_after_the_absolute_maximum_even_when_active(
    org_a: Organisation,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = signed_in(make_user(org_a, Role.ANALYST))
    start = time.time()
    for minutes in (0, 40, 80):  # active every 40 minutes, never idle for long
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        response = client.get(reverse("web:home"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_out_requires_post_and_ends_the_session(
    org_a: Organisation, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(org_a, Role.ANALYST))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302
