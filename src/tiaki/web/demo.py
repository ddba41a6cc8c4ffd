"""Demo set-up: a synthetic world loaded into the database, and one account per role with two-factor."""

from __future__ import annotations

import base64
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.governance import policy
from tiaki.intelligence import demo as intelligence_demo
from tiaki.programmes import demo as programmes_demo
from tiaki.world import load

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
    organisations = load.organisations(world)
    load.sharing_agreements(organisations)
    if loaded := load.reports(world, organisations, progress):
        progress(f"{loaded:,} reports loaded")
    screened = load.screenings(progress)
    if screened:
        progress(f"{screened:,} reports screened")
    load.cases(world, organisations, progress)
    programmes = programmes_demo.load(world, organisations)
    if programmes:
        progress(f"{programmes:,} programmes loaded")
    graph = intelligence_demo.load(world, organisations)
    if graph["entities"]:
        progress(
            f"{graph['entities']:,} entities, {graph['relations']:,} relations, "
            f"{graph['agencies']:,} agencies loaded"
        )
    load.intelligence_records(world, organisations, progress)
    load.watchlist_screening(world, organisations, progress)
    return seed_accounts(organisations)
