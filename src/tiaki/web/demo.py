"""Demo set-up: the partnership's organisations and one account per role, with two-factor enrolled."""

from __future__ import annotations

import base64
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.governance import policy

PARTNERSHIP_FILE = Path(__file__).parent / "data" / "demo_partnership.toml"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    organisation: str
    totp_secret: str  # base32, as an authenticator app expects it


def _password(username: str) -> str:
    # Demo passwords are predictable on purpose (they are printed); they exist only in demo databases.
    return f"{username}-Tiaki-demo"


def seed_partnership(path: Path = PARTNERSHIP_FILE) -> list[DemoAccount]:
    """Create the demo organisations and accounts once; on later runs, report the existing accounts."""
    data = tomllib.loads(path.read_text())
    accounts: list[DemoAccount] = []
    with transaction.atomic():
        organisations: dict[str, Organisation] = {}
        for entry in data["organisation"]:
            existing = Organisation.objects.filter(name=entry["name"]).first()
            organisations[entry["key"]] = existing or accounts_services.organisation_create(
                actor=None,
                name=entry["name"],
                org_type=entry["org_type"],
                country=entry["country"],
                city=entry.get("city", ""),
                short_name=entry.get("short_name", ""),
            )
        for entry in data["account"]:
            user = User.objects.filter(username=entry["username"]).first()
            organisation = organisations[entry["organisation"]]
            if user is None:
                user = accounts_services.user_create(
                    actor=None,
                    organisation=organisation,
                    username=entry["username"],
                    password=_password(entry["username"]),
                    role=entry["role"],
                    display_name=entry.get("display_name", ""),
                    scope=entry.get("scope", ""),
                )
                if entry["role"] == "administrator":
                    user.is_superuser = True
                    user.save(update_fields=["is_superuser"])
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None and policy.needs_second_factor(user):
                device = TOTPDevice.objects.create(
                    user=user, name="demo authenticator", confirmed=True, key=secrets.token_hex(20)
                )
            accounts.append(
                DemoAccount(
                    username=user.username,
                    password=_password(user.username),
                    role=entry["role"],
                    organisation=str(organisation),
                    totp_secret=base64.b32encode(device.bin_key).decode() if device else "",
                )
            )
    return accounts
