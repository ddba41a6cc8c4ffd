"""Browser: each dashboard renders its charts on a phone with a caption and a data table; the frontline
course reads on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

from ..conftest import verified_client
from .conftest import StatsWorld
from .test_no_small_cells import DASHBOARDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser_page: Any, base: str, user: Any) -> None:
    client = verified_client(user)  # signed in with the second factor verified, as after the TOTP step
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )


def test_every_dashboard_renders_charts_with_text_alternatives(
    page: Any,
    live_server: Any,
    stats_world: StatsWorld,
) -> None:
    from django.urls import reverse

    _sign_in(page, live_server.url, stats_world.supervisor)
    figures_seen = 0
    for name in DASHBOARDS[1:]:
        response = page.goto(live_server.url + reverse(name))
        assert response.status == 200, name
        figures = page.locator("figure")
        assert figures.count() >= 1, name
        for index in range(figures.count()):
            figure = figures.nth(index)
            svg = figure.locator("svg[role=img]").first
            box = svg.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 50, name
            assert svg.locator("title").first.text_content()
            assert figure.locator("figcaption").first.inner_text().strip()
            table = figure.locator("table").first
            assert table.locator("caption").inner_text().startswith("Data for")
            assert table.locator("tbody tr").count() >= 1
            labelled = page.locator(f"#{figure.get_attribute('aria-labelledby')}")
            assert labelled.count() == 1
            figures_seen += 1
        # The page fits a phone: nothing wider than the viewport except inside scrollable tables.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, name
        screenshot(page, name.replace(":", "-"))
    assert figures_seen == 13


def test_the_frontline_course_reads_on_a_phone(page: Any, live_server: Any) -> None:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("my"):
        url = reverse("programmes:lessons")
    page.goto(live_server.url + url)
    assert page.locator("h2").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
