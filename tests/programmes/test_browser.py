"""Browser: a programme coordinator records an outreach event on a phone, by its labels alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tiaki.programmes.models import OutreachEvent

from ..conftest import verified_client
from .conftest import Programmes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_records_an_outreach_event(
    page: Any,
    live_server: Any,
    programmes: Programmes,
) -> None:
    client = verified_client(programmes.coordinator)  # signed in, second factor verified
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/en/programmes/events/new/")
    page.get_by_label("Title").fill("Know your rights session for workers")
    page.get_by_label("Date", exact=True).fill("2026-05-02")
    page.get_by_label("Country").fill("VN")
    page.get_by_label("Place").fill("Hà Nội")
    page.get_by_label("Migrants").check()
    page.get_by_label("Vietnamese").check()
    page.get_by_role("group", name="Female").get_by_label("Female, 18–29").fill("31")
    page.get_by_role("spinbutton", name="Male, 30–44 (optional)", exact=True).fill("12")
    screenshot(page, "programmes-event-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/programmes/events/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Know your rights session for workers"
    event = OutreachEvent.objects.get()
    assert (event.attendance, event.audiences, event.languages) == (
        {"F|18-29": 31, "M|30-44": 12},
        ["migrants"],
        ["vi"],
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
