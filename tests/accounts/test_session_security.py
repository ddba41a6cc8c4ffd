"""Sessions and credentials: cookie flags, a new session key at sign-in, real sign-out, immediate loss of
access, exact passwords, one-time codes, and no way to tell an unknown username from a wrong password.

ASVS 5.0 V3.3 (cookies), V6.2 (passwords), V6.3 (enumeration), V6.5 (TOTP), V7.2 and V7.4 (sessions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import services
from tiaki.accounts.models import Membership, Organisation, User
from tiaki.accounts.permissions import Role

PASSWORD = "correct horse battery staple"  # the password tests/conftest.py gives every user


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Pages are read in English; an earlier request in this thread may have switched languages.
    with translation.override("en"):
        yield


def _login(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_kept_from_scripts_and_other_sites(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    client = Client()
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] is True and csrf["samesite"] == "Lax"
    response = _login(client, user.username)
    session = response.cookies["sessionid"]  # type: ignore[attr-defined]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == ""  # a browser-session cookie: closing the browser forgets it
    assert session["path"] == "/" and session["domain"] == ""  # host-only: no sibling domain receives it


@pytest.mark.django_db
def test_sign_in_issues_a_new_session_key_and_destroys_the_old_one(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    client = Client()
    session = client.session
    session["planted"] = "by someone else"  # a session key an attacker could have fixed in the browser
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    assert _login(client, user.username).status_code == 302  # type: ignore[attr-defined]
    assert client.cookies["sessionid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()


@pytest.mark.django_db
def test_a_signed_out_session_cannot_be_replayed(
    org_a: Organisation, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(org_a, Role.ANALYST))
    stolen = client.cookies["sessionid"].value
    assert client.get(reverse("web:home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert replay.get("/api/v1/accounts/me").status_code == 401


@pytest.mark.django_db
def test_a_disabled_account_loses_its_open_sessions_at_once(
    org_a: Organisation, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(org_a, Role.ANALYST)
    client = signed_in(user)
    assert client.get(reverse("web:home")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/accounts/me").status_code == 401


@pytest.mark.django_db
def test_a_revoked_membership_takes_effect_on_the_next_request(
    org_a: Organisation, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(org_a, Role.ADMINISTRATOR)
    client = signed_in(user)
    assert client.get(reverse("accounts:members")).status_code == 200
    services.membership_revoke(actor=None, membership=Membership.objects.get(user=user))
    refused = client.get(reverse("accounts:members"))
    assert refused.status_code == 403
    assert "missing permission: org.admin" in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        PASSWORD.upper(),
        f" {PASSWORD}",
        f"{PASSWORD} ",
        PASSWORD[:-1],
        PASSWORD[:8],
        PASSWORD.replace(" ", ""),
    ],
)
def test_the_password_is_checked_exactly_as_typed(
    typed: str, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.PROGRAMME_COORDINATOR, enrolled=False)
    refused = _login(Client(), user.username, typed)
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert _login(Client(), user.username).status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_password_rules_are_length_and_commonness_not_composition(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.ANALYST, "kiri-analyst-wellington")
    for accepted in ("a" * 64 + " long passphrase", "lowercase words only", "ສະບາຍດີ ທຸກຄົນ ມື້ນີ້", "x" * 200):
        validate_password(accepted, user)  # no upper/lower/digit/symbol rules; long and non-Latin allowed
    for refused in ("short words", "qwerty123456", "123456789012345", "kiri-analyst-wellington"):
        with pytest.raises(ValidationError):
            validate_password(refused, user)


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_one_time_code_opens_one_session_only(org_a: Organisation, make_user: Callable[..., User]) -> None:
    user = make_user(org_a, Role.CASEWORKER)
    device = user.totpdevice_set.get()
    first = Client()
    _login(first, user.username)
    code = _code(device)
    assert first.post(reverse("accounts:otp_verify"), {"token": code})["Location"] == reverse("web:home")
    second = Client()  # someone who watched the code being typed
    _login(second, user.username)
    replay = second.post(reverse("accounts:otp_verify"), {"token": code})
    assert replay.status_code == 200 and "did not match" in replay.content.decode()
    assert second.get(reverse("web:home"))["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.django_db
def test_wrong_codes_slow_down_guessing(org_a: Organisation, make_user: Callable[..., User]) -> None:
    user = make_user(org_a, Role.CASEWORKER)
    device = user.totpdevice_set.get()
    client = Client()
    _login(client, user.username)
    wrong = f"{(int(_code(device)) + 500_000) % 1_000_000:06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": wrong}).status_code == 200
    # Right after a failure even the right code is refused: django-otp's back-off (1 s, 2 s, 4 s, ...).
    blocked = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert blocked.status_code == 200 and "did not match" in blocked.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def _without_csrf_token(html: bytes) -> str:
    """The page without what differs on every response anyway: the masked CSRF token and the CSP nonce."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
    return re.sub(r'nonce="[^"]+"', "", text)


@pytest.mark.django_db
def test_unknown_username_and_wrong_password_get_identical_answers(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.ANALYST)
    unknown = _login(Client(), "no-such-user", "some password here")
    wrong = _login(Client(), user.username, "some password here")
    assert unknown.status_code == wrong.status_code == 200  # type: ignore[attr-defined]
    assert _without_csrf_token(unknown.content) == _without_csrf_token(wrong.content).replace(  # type: ignore[attr-defined]
        user.username, "no-such-user"
    )


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=2)
def test_lockout_looks_the_same_for_unknown_and_real_usernames(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    user = make_user(org_a, Role.ANALYST)
    answers = []
    for username in ("no-such-user", user.username):
        for _ in range(2):
            _login(Client(), username, "wrong password")
        locked = _login(Client(), username)
        answers.append((locked.status_code, _without_csrf_token(locked.content)))  # type: ignore[attr-defined]
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


@pytest.mark.django_db
def test_partner_system_accounts_cannot_sign_in_with_a_password(
    org_a: Organisation, make_user: Callable[..., User]
) -> None:
    _key, secret = services.api_key_issue(actor=None, organisation=org_a, name="Case system")
    system = User.objects.get(is_service=True)
    system.set_password(PASSWORD)  # even if someone gave it one
    system.save(update_fields=["password"])
    assert _login(Client(), system.username).status_code == 200  # type: ignore[attr-defined]
    assert secret.startswith("tk_")


@pytest.mark.django_db
def test_password_fields_are_masked_and_password_managers_can_fill_them() -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert re.search(r'<input type="password" name="password" autocomplete="current-password"', page)
    assert 'autocomplete="username"' in page
    assert "onpaste" not in page and "oncopy" not in page


@pytest.mark.django_db
def test_session_keys_are_long_random_and_kept_on_the_server(
    org_a: Organisation, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    keys = {signed_in(make_user(org_a, Role.ANALYST)).cookies["sessionid"].value for _ in range(5)}
    assert len(keys) == 5
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]{32}", key)  # 32 draws from 36 symbols by `secrets`: ~165 bits
        session = Session.objects.get(session_key=key)
        assert "_auth_user_id" in session.get_decoded()  # the cookie is only a reference


def test_passwords_are_stored_with_argon2_outside_the_test_settings() -> None:
    from tiaki.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    encoded = Argon2PasswordHasher().encode("correct horse battery staple", "saltsaltsaltsalt")
    assert encoded.startswith("argon2$argon2id$")
