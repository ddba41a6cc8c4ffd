"""In the browser: a liaison officer expands a network on the link chart and sees only what they may; a
partner police officer cannot reach a record whose handling keeps it with the originator — by page, API or
link-chart data."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from tiaki.accounts.models import Organisation, User
from tiaki.intelligence import services
from tiaki.intelligence.models import Entity

from ..browser.conftest import screenshot, sign_in_verified
from .factories import entity, record, report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.intelligence.api_urls"),
]


def _click_node(page: Any, entity_pk: int) -> None:
    # Scroll first and let Cytoscape see the scroll event: it caches the chart's offset on the page and
    # refreshes it on scroll, so a click in the same instant as the scroll would land with a stale offset.
    page.locator("#linkchart").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    point = page.evaluate(
        "id => { const p = window.tiakiLinkChart.getElementById(id).renderedPosition(); return [p.x, p.y]; }",
        f"e{entity_pk}",
    )
    page.locator("#linkchart").click(position={"x": point[0] + 1, "y": point[1] + 1})


def _wait_for_nodes(page: Any, count: int) -> None:
    # Polled from Python: wait_for_function evaluates strings, which the strict CSP (rightly) refuses.
    for _ in range(300):
        shown = page.evaluate("() => window.tiakiLinkChart ? window.tiakiLinkChart.nodes().length : -1")
        if shown == count and page.locator("#linkchart").get_attribute("data-state") == "ready":
            return
        page.wait_for_timeout(100)
    status = page.locator("#chart-status").inner_text()
    selected = page.locator("#chart-selection").inner_text()
    raise AssertionError(f"the chart never showed {count} nodes: {status!r}, {selected!r}")


def _labels(page: Any) -> list[str]:
    return sorted(page.evaluate("() => window.tiakiLinkChart.nodes().map(n => n.data('label'))"))


def test_officer_expands_a_network_and_sees_only_what_they_may(
    page: Any,
    live_server: Any,
    org_a: Organisation,
    org_b: Organisation,
    officer_a: User,
    small_network: SimpleNamespace,
) -> None:
    centre, mate = small_network.centre, small_network.mate
    sign_in_verified(page.context, officer_a, live_server.url)
    bodies: list[str] = []
    page.on("response", lambda r: bodies.append(r.text()) if "graph.json" in r.url else None)
    page.goto(live_server.url + reverse("intelligence:entity_detail", kwargs={"entity_id": centre.pk}))
    _wait_for_nodes(page, 2)
    assert _labels(page) == ["Centre Boss", "Mate Driver"]
    _click_node(page, mate.pk)  # expand
    _wait_for_nodes(page, 3)
    screenshot(page, "intelligence-link-chart-expanded")
    assert _labels(page) == ["Centre Boss", "Far Victim", "Mate Driver"]
    assert page.locator("#chart-selection").inner_text().startswith(f"{mate.reference} Mate Driver")
    _click_node(page, mate.pk)  # collapse
    _wait_for_nodes(page, 2)
    assert all("LEAK-MARKER" not in body for body in bodies) and len(bodies) == 2
    assert "LEAK-MARKER" not in page.content()


def test_overview_map_draws_the_visible_networks(
    page: Any,
    live_server: Any,
    org_a: Organisation,
    org_b: Organisation,
    officer_a: User,
) -> None:
    a, b, c = entity(org_a, "Alpha"), entity(org_a, "Bravo"), entity(org_a, "Charlie")
    hidden = entity(org_b, "LEAK-MARKER hidden")
    services.relation_add(actor=None, source=a, target=b, relation_type="paid", report=report(org_a))
    services.relation_add(actor=None, source=b, target=c, relation_type="paid", report=report(org_a))
    services.relation_add(actor=None, source=hidden, target=c, relation_type="paid", report=report(org_b))
    sign_in_verified(page.context, officer_a, live_server.url)
    page.goto(live_server.url + reverse("intelligence:networks"))
    page.get_by_role("button", name="Run a new analysis").click()
    page.goto(live_server.url + reverse("intelligence:networks"))
    page.locator("#overview[data-state=ready]").wait_for()
    assert page.locator("#overview").get_attribute("data-nodes") == "3"
    screenshot(page, "intelligence-networks-overview")
    assert "LEAK-MARKER" not in page.content()


def test_partner_cannot_reach_a_record_kept_with_the_originator(
    page: Any,
    live_server: Any,
    org_a: Organisation,
    police: Organisation,
    officer_a: User,
    partner: User,
    agreement_p: Any,
) -> None:
    kept = record(org_a, author=officer_a, handling_code="C")  # the agreement covers P only
    shared = record(org_a, author=officer_a)
    services.intel_record_release(actor=officer_a, record=shared, organisation=police)
    suspect = services.entity_upsert(actor=officer_a, kind="person", label="Shared suspect", record=shared)
    informant = services.entity_upsert(
        actor=officer_a, kind="person", label="LEAK-MARKER informant", record=kept
    )
    services.relation_add(
        actor=officer_a, source=informant, target=suspect, relation_type="paid", record=kept
    )
    sign_in_verified(page.context, partner, live_server.url)
    from .api_urls import PREFIX

    ui = page.goto(live_server.url + reverse("intelligence:record_detail", kwargs={"record_id": kept.pk}))
    assert ui.status == 404 and "LEAK-MARKER" not in page.content()
    released = page.goto(
        live_server.url + reverse("intelligence:record_detail", kwargs={"record_id": shared.pk})
    )
    assert released.status == 200 and "LEAK-MARKER sanitised text" in page.content()
    api = page.request.get(f"{live_server.url}{PREFIX}/intelligence/records/{kept.pk}")
    assert api.status == 404 and "LEAK-MARKER" not in api.text()
    chart = page.request.get(
        live_server.url + reverse("intelligence:entity_graph", kwargs={"entity_id": suspect.pk}) + "?hops=2"
    )
    assert chart.status == 200
    assert [n["data"]["label"] for n in chart.json()["nodes"]] == ["Shared suspect"]
    assert chart.json()["edges"] == [] and "LEAK-MARKER" not in chart.text()
    assert (
        page.request.get(
            live_server.url + reverse("intelligence:entity_graph", kwargs={"entity_id": informant.pk})
        ).status
        == 404
    )
    assert Entity.objects.count() == 2
