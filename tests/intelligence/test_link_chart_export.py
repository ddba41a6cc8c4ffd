"""In the browser: the link chart exports an SVG of exactly what is drawn (never what the user may not see,
nor what they collapsed), and community colours stay put while the chart is expanded."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from tiaki.accounts.models import Organisation, User

from ..browser.conftest import screenshot, sign_in_verified
from .factories import entity
from .test_browser import _click_node, _wait_for_nodes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVG = "{http://www.w3.org/2000/svg}"


def _export_svg(page: Any) -> tuple[str, list[str]]:
    with page.expect_download() as started:
        page.get_by_role("button", name="Export SVG").click()
    download = started.value
    assert download.suggested_filename == "link-chart.svg"
    raw = Path(download.path()).read_text(encoding="utf-8")
    root = ElementTree.fromstring(raw)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    texts = sorted("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    return raw, texts


def test_svg_export_holds_the_drawn_nodes_and_nothing_hidden(
    page: Any,
    live_server: Any,
    org_a: Organisation,
    org_b: Organisation,
    officer_a: User,
    small_network: SimpleNamespace,
) -> None:
    centre, mate = small_network.centre, small_network.mate
    sign_in_verified(page.context, officer_a, live_server.url)
    page.goto(live_server.url + reverse("intelligence:entity_detail", kwargs={"entity_id": centre.pk}))
    _wait_for_nodes(page, 2)
    _click_node(page, mate.pk)  # expand: Far Victim appears, the other organisation's entity does not
    _wait_for_nodes(page, 3)
    raw, texts = _export_svg(page)
    assert texts == ["Centre Boss", "Far Victim", "Mate Driver", "transported", "works for"]
    assert "LEAK-MARKER" not in raw
    expanded = raw
    _click_node(page, mate.pk)  # collapse: Far Victim leaves the chart, and the export
    _wait_for_nodes(page, 2)
    raw, texts = _export_svg(page)
    assert texts == ["Centre Boss", "Mate Driver", "works for"]
    assert "Far Victim" not in raw and "LEAK-MARKER" not in raw
    page.set_content(expanded)  # the exported file itself, drawn by the browser, for reviewers
    screenshot(page, "intelligence-link-chart-export-svg")


def _node(pk: int, label: str, community: int, centre: bool = False) -> dict[str, Any]:
    data = {"id": f"e{pk}", "entity": pk, "label": label, "kind": "person", "reference": f"E-{pk}"}
    return {"data": data | {"community": community, "betweenness": 0.5, "centre": centre, "url": "#"}}


def _edge(pk: int, source: int, target: int) -> dict[str, Any]:
    return {"data": {"id": f"r{pk}", "source": f"e{source}", "target": f"e{target}", "label": "paid"}}


def test_community_colours_stay_put_while_expanding(
    page: Any, live_server: Any, org_a: Organisation, officer_a: User
) -> None:
    centre = entity(org_a, "Centre")
    # The server numbers communities afresh for every expansion's own subgraph; the chart must not take
    # those numbers as colours. Served here as the server could: the expansion of 902 calls its community 0.
    first = {
        "nodes": [_node(centre.pk, "Centre", 0, centre=True), _node(901, "Ally", 0), _node(902, "Mate", 1)],
        "edges": [_edge(1, centre.pk, 901), _edge(2, centre.pk, 902)],
    }
    expansion = {
        "nodes": [
            _node(902, "Mate", 0),
            _node(centre.pk, "Centre", 0),
            _node(903, "Mate's friend", 0),
            _node(904, "Stranger one", 1),
            _node(905, "Stranger two", 1),
        ],
        "edges": [_edge(2, centre.pk, 902), _edge(3, 902, 903), _edge(4, 902, 904), _edge(5, 904, 905)],
    }

    def serve(route: Any) -> None:
        body = expansion if "/902/graph.json" in route.request.url else first
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/graph.json*", serve)
    sign_in_verified(page.context, officer_a, live_server.url)
    page.goto(live_server.url + reverse("intelligence:entity_detail", kwargs={"entity_id": centre.pk}))
    _wait_for_nodes(page, 3)
    pairs = "() => window.tiakiLinkChart.nodes().map(n => [n.data('label'), {}])"
    read, styled = pairs.format("n.data('colour')"), pairs.format("n.style('background-color')")
    before = dict(page.evaluate(read))
    assert before == {"Centre": 0, "Ally": 0, "Mate": 1}
    _click_node(page, 902)
    _wait_for_nodes(page, 6)
    after = dict(page.evaluate(read))
    # Drawn nodes keep their colours; Mate's friend joins Mate's colour; the strangers get a new one.
    assert after == {
        "Centre": 0,
        "Ally": 0,
        "Mate": 1,
        "Mate's friend": 1,
        "Stranger one": 2,
        "Stranger two": 2,
    }
    colours = dict(page.evaluate(styled))
    assert colours["Mate's friend"] == colours["Mate"] != colours["Centre"]
    assert colours["Stranger one"] not in {colours["Centre"], colours["Mate"]}
    _click_node(page, 902)  # collapse, then expand again: the same colours come back
    _wait_for_nodes(page, 3)
    _click_node(page, 902)
    _wait_for_nodes(page, 6)
    assert dict(page.evaluate(read)) == after
