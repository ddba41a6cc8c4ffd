"""Demo set-up: a synthetic world loaded into the database, and one account per role with two-factor."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.governance import policy
from tiaki.intake import services as intake_services
from tiaki.intake.models import Report

ACCOUNTS_FILE = Path(__file__).parent / "data" / "demo_accounts.toml"
DEMO_SEED = 2026

Progress = Callable[[str], None]


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


def build_world(directory: Path, *, people: int, progress: Progress) -> Path:
    """Generate the synthetic world once; a restart reuses it (same seed, same bytes)."""
    if (directory / "summary.json").exists():
        return directory
    from tiaki.world import generate

    progress(f"generating a synthetic world of {people:,} people in {directory}")
    generate(people=people, seed=DEMO_SEED, out=directory)
    return directory


def load_organisations(world: Path) -> dict[str, Organisation]:
    organisations = {o.code: o for o in Organisation.objects.all()}
    with (world / "organisations.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["org_id"] not in organisations:
                organisations[row["org_id"]] = accounts_services.organisation_create(
                    actor=None,
                    code=row["org_id"],
                    name=row["name"],
                    org_type=row["org_type"],
                    country=row["country"],
                    city=row["city"],
                )
    return organisations


def load_reports(world: Path, organisations: dict[str, Organisation], progress: Progress) -> int:
    if Report.objects.exists():
        return 0
    loaded = 0
    with (world / "reports.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            occurred_on = dt.date.fromisoformat(row["occurred_on"]) if row.get("occurred_on") else None
            received = (
                dt.datetime.combine(occurred_on, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=3)
                if occurred_on
                else timezone.now()
            )
            intake_services.report_submit(
                actor=None,
                organisation=organisations[row["org_id"]],
                channel=row["channel"],
                narrative=row["narrative"],
                language=row.get("lang", ""),
                country=row.get("country", ""),
                place=row.get("place", ""),
                occurred_on=occurred_on,
                received_at=received,
            )
            loaded += 1
            if loaded % 500 == 0:
                progress(f"  {loaded:,} reports loaded")
    return loaded


def seed_accounts(organisations: dict[str, Organisation], path: Path = ACCOUNTS_FILE) -> list[DemoAccount]:
    """Create the demo accounts once; on later runs, report the existing ones."""
    accounts: list[DemoAccount] = []
    with transaction.atomic():
        for entry in tomllib.loads(path.read_text())["account"]:
            organisation = organisations[entry["organisation"]]
            user = User.objects.filter(username=entry["username"]).first()
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
                    organisation=organisation.code,
                    totp_secret=base64.b32encode(device.bin_key).decode() if device else "",
                )
            )
    return accounts


def set_up(*, data_dir: Path, people: int, progress: Progress) -> list[DemoAccount]:
    world = build_world(data_dir / "world", people=people, progress=progress)
    organisations = load_organisations(world)
    loaded = load_reports(world, organisations, progress)
    if loaded:
        progress(f"{loaded:,} reports loaded")
    return seed_accounts(organisations)
