"""In the browser: an analyst uploads a traveller list, sees hits with their reasons, rejects one, uploads
the same list again and finds the decision remembered (the rejected hit folded away until asked for)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.resolution.models import WatchlistHit, WatchlistScreening

from ..browser.conftest import screenshot, sign_in_verified
from .watchlist_factories import TRAVELLERS_CSV, known_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page: Any, base: str, title: str) -> None:
    page.goto(base + reverse("resolution:watchlist"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("List (CSV)").set_input_files(
        {"name": "arrivals.csv", "mimeType": "text/csv", "buffer": TRAVELLERS_CSV.encode()}
    )
    page.get_by_role("button", name="Screen", exact=True).click()
    page.get_by_role("heading", name=title).wait_for()


def test_analyst_rejects_a_hit_and_the_next_list_remembers_it(
    page: Any, live_server: Any, org_a: Organisation, make_user: Any
) -> None:
    people = known_people(org_a)
    analyst = make_user(org_a, Role.ANALYST, "analyst.a")
    sign_in_verified(page.context, analyst, live_server.url)

    _upload(page, live_server.url, "Arrivals 1 March")
    first = WatchlistScreening.objects.get(title="Arrivals 1 March")
    assert first.status == "done"
    hits = page.locator("#hits tbody tr")
    assert hits.count() == 3
    t1 = page.locator(f"#hit-{WatchlistHit.objects.get(screening=first, record_ref='t1').pk}")
    assert "name exact" in t1.inner_text() and "dob exact" in t1.inner_text()
    assert people["somchai"].reference in t1.inner_text()
    screenshot(page, "watchlist-hits")

    wichai = WatchlistHit.objects.get(screening=first, record_ref="t6")
    row = page.locator(f"#hit-{wichai.pk}")
    row.get_by_role("button", name="Reject").click()
    page.locator(f"#hit-{wichai.pk}.decision-rejected").wait_for()
    assert "Rejected: a different person" in page.locator(f"#hit-{wichai.pk}").inner_text()

    _upload(page, live_server.url, "Arrivals 2 March")
    second = WatchlistScreening.objects.get(title="Arrivals 2 March")
    again = WatchlistHit.objects.get(screening=second, record_ref="t6")
    assert (again.decision, again.remembered) == ("rejected", True)
    assert page.locator("#hits tbody tr").count() == 2  # the rejected one is folded away
    page.get_by_role("link", name="Show 1 rejected hit").click()
    remembered = page.locator(f"#hit-{again.pk}")
    remembered.wait_for()
    assert "(remembered)" in remembered.inner_text()
    screenshot(page, "watchlist-remembered")
