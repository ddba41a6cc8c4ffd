"""The help directory: seeded from the data file, emergency numbers first, sourced, edited by staff."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community import services
from tiaki.community.models import DirectoryEntry
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent

from ..conftest import verified_client

EMERGENCY = {
    "NZ": "111",
    "TH": "191",
    "MY": "999",
    "ID": "112",
    "LK": "119",
    "VN": "113",
    "KH": "117",
    "MM": "199",
}


@pytest.mark.django_db
def test_every_country_has_its_emergency_number_with_a_source_and_a_date() -> None:
    for country, number in EMERGENCY.items():
        entry = DirectoryEntry.objects.get(country=country, number=number)
        assert entry.kind == "emergency"
        assert entry.source
        assert entry.verified_on == dt.date(2026, 11, 28)
    assert DirectoryEntry.objects.filter(source="").count() == 0
    assert set(DirectoryEntry.objects.values_list("country", flat=True)) == set(EMERGENCY)


@pytest.mark.django_db
def test_help_page_lists_emergency_numbers_first_with_their_source() -> None:
    html = Client().get("/en/help/?country=TH").content.decode()
    numbers = re.findall(r'<a class="number" href="tel:(\d+)">', html)
    assert numbers == ["191", "1669", "1155", "1300"]
    assert "Royal Thai Police" in html
    assert "checked on 2026-11-28" in html
    assert "New Zealand" not in html.split("<main")[1].split("</nav>")[1]


@pytest.mark.django_db
def test_the_command_reapplies_the_file_without_duplicates(tmp_path: Path) -> None:
    before = DirectoryEntry.objects.count()
    call_command("load_directory")
    assert DirectoryEntry.objects.count() == before
    broken = tmp_path / "broken.toml"
    broken.write_text('[[entry]]\ncountry = "NZ"\nkind = "hotline"\nname = "No source"\nnumber = "0800"\n')
    with pytest.raises(Exception, match="missing source, verified_on"):
        call_command("load_directory", file=broken)
    assert DirectoryEntry.objects.count() == before


@pytest.mark.django_db
def test_staff_with_directory_edit_correct_an_entry_and_it_is_audited(
    org_b: Organisation, make_user: Callable[..., User]
) -> None:
    coordinator = make_user(org_b, Role.PROGRAMME_COORDINATOR)
    entry = DirectoryEntry.objects.get(country="NZ", number="105")
    client = verified_client(coordinator)
    page = client.get(f"/en/directory/manage/?entry={entry.pk}")
    assert page.status_code == 200
    response = client.post(
        f"/en/directory/manage/?entry={entry.pk}",
        {
            "country": "NZ",
            "kind": "hotline",
            "name": "Police non-emergency",
            "number": "105",
            "description": "Report something that is not urgent.",
            "languages": "en",
            "source": "New Zealand Police",
            "source_url": "https://www.police.govt.nz/use-105",
            "verified_on": "2026-12-01",
            "active": "on",
        },
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.description, entry.verified_on) == (
        "Report something that is not urgent.",
        dt.date(2026, 12, 1),
    )
    event = AuditEvent.objects.get(action="directory.update")
    assert (event.actor_id, event.organisation_id, event.details) == (
        coordinator.pk,
        org_b.pk,
        {"country": "NZ"},
    )


@pytest.mark.django_db
def test_a_number_without_source_is_refused_and_others_may_not_edit(
    org_b: Organisation, make_user: Callable[..., User]
) -> None:
    coordinator = make_user(org_b, Role.PROGRAMME_COORDINATOR)
    values = {
        "country": "NZ",
        "kind": "hotline",
        "name": "X",
        "number": "0800 000",
        "source": "",
        "verified_on": None,
    }
    with pytest.raises(ValidationError):
        services.directory_entry_save(actor=coordinator, values=values)
    caseworker = make_user(org_b, Role.CASEWORKER)
    with pytest.raises(policy.Denied):
        services.directory_entry_save(
            actor=caseworker, values={**values, "source": "x", "verified_on": dt.date(2026, 1, 1)}
        )
    assert not DirectoryEntry.objects.filter(number="0800 000").exists()
