"""Intelligence pages and API: what each kind of user sees, and that nothing hidden reaches the browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.governance.models import AuditEvent
from tiaki.intelligence import services
from tiaki.intelligence.models import Agency, Alert, Entity, IntelRecord, Relation, Release

from ..conftest import verified_client
from .factories import entity, record, report

pytestmark = pytest.mark.django_db


def test_record_pages_show_the_original_to_the_originator_and_the_sanitised_text_to_recipients(
    org_a: Organisation, police: Organisation, officer_a: User, partner: User, agreement_p: Any
) -> None:
    created = record(org_a, author=officer_a)
    url = reverse("intelligence:record_detail", kwargs={"record_id": created.pk})
    page = verified_client(officer_a).get(url)
    assert page.status_code == 200
    assert "LEAK-MARKER original text naming the informant" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert verified_client(partner).get(url).status_code == 404
    services.intel_record_release(actor=officer_a, record=created, organisation=police)
    seen = verified_client(partner).get(url).content.decode()
    assert "LEAK-MARKER sanitised text" in seen
    assert "naming the informant" not in seen
    assert [
        e.details["version"] for e in AuditEvent.objects.filter(action="intel.read").order_by("sequence")
    ] == [
        "original",
        "sanitised",
    ]


def test_create_and_release_through_the_pages(
    org_a: Organisation, police: Organisation, officer_a: User, agreement_p: Any
) -> None:
    client = verified_client(officer_a)
    response = client.post(
        reverse("intelligence:record_create"),
        {
            "title": "Boat crew",
            "text": "Captain named by informant.",
            "sanitised_text": "A captain is involved.",
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "C",
            "handling_conditions": "",
        },
    )
    assert response.status_code == 200
    assert "Handling code C needs its conditions written down." in response.content.decode()
    assert IntelRecord.objects.count() == 0
    response = client.post(
        reverse("intelligence:record_create"),
        {
            "title": "Boat crew",
            "text": "Captain named by informant.",
            "sanitised_text": "A captain is involved.",
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "P",
        },
    )
    created = IntelRecord.objects.get()
    assert response["Location"] == reverse("intelligence:record_detail", kwargs={"record_id": created.pk})
    entities_url = reverse("intelligence:record_entity_add", kwargs={"record_id": created.pk})
    client.post(entities_url, {"kind": "person", "label": "Captain Somchai"})
    client.post(entities_url, {"kind": "phone", "label": "+66 81 234 5678", "phone": "+66812345678"})
    captain, phone = Entity.objects.order_by("pk")
    response = client.post(
        reverse("intelligence:record_link_add", kwargs={"record_id": created.pk}),
        {"source": captain.pk, "target": phone.pk, "relation_type": "shares_phone_with", "confidence": "0.6"},
    )
    assert response.status_code == 302
    link = Relation.objects.get()
    assert (link.source_id, link.target_id, link.confidence, link.provenance.get().record_id) == (
        captain.pk,
        phone.pk,
        0.6,
        created.pk,
    )
    detail = client.get(
        reverse("intelligence:record_detail", kwargs={"record_id": created.pk})
    ).content.decode()
    assert "Captain Somchai — shares a phone with — " in detail.replace(f"{captain.reference} ", "")
    release_url = reverse("intelligence:record_release", kwargs={"record_id": created.pk})
    assert "Partner Police" in client.get(release_url).content.decode()
    response = client.post(release_url, {"organisation": police.pk})
    assert response.status_code == 302
    assert list(Release.objects.values_list("record_id", "organisation_id")) == [(created.pk, police.pk)]


def test_link_chart_json_holds_only_visible_nodes(
    org_a: Organisation,
    org_b: Organisation,
    officer_a: User,
    police: Organisation,
    partner: User,
    agreement_p: Any,
) -> None:
    centre, mate = entity(org_a, "Centre person"), entity(org_a, "Mate")
    hidden = entity(org_b, "LEAK-MARKER hidden")
    services.relation_add(
        actor=None, source=centre, target=mate, relation_type="works_for", report=report(org_a)
    )
    services.relation_add(
        actor=None, source=mate, target=hidden, relation_type="recruited", report=report(org_b)
    )
    url = reverse("intelligence:entity_graph", kwargs={"entity_id": centre.pk})
    data = verified_client(officer_a).get(url, {"hops": 2}).json()
    assert sorted(n["data"]["label"] for n in data["nodes"]) == ["Centre person", "Mate"]
    assert "LEAK-MARKER" not in str(data)
    assert (
        verified_client(officer_a)
        .get(reverse("intelligence:entity_graph", kwargs={"entity_id": hidden.pk}))
        .status_code
        == 404
    )
    # The partner sees nothing of org A's report-based graph.
    assert verified_client(partner).get(url).status_code == 404
    page = verified_client(officer_a).get(
        reverse("intelligence:entity_detail", kwargs={"entity_id": centre.pk})
    )
    html = page.content.decode()
    assert "cytoscape-3.35.0.min.js" in html and "LEAK-MARKER" not in html


def test_watch_and_alert_inbox(org_a: Organisation, officer_a: User) -> None:
    person = entity(org_a, "Watched", external_key="w")
    client = verified_client(officer_a)
    assert (
        client.post(
            reverse("intelligence:entity_watch", kwargs={"entity_id": person.pk}), {"kind": "entity"}
        ).status_code
        == 302
    )
    services.entity_upsert(actor=None, kind="person", label="Watched", external_key="w", report=report(org_a))
    inbox = client.get(reverse("intelligence:alerts")).content.decode()
    assert "1 unread alert." in inbox
    client.post(reverse("intelligence:alerts_read"))
    assert Alert.objects.get().read_at is not None
    client.post(reverse("intelligence:entity_unwatch", kwargs={"entity_id": person.pk}))
    assert person.watches.count() == 0


def test_network_page_runs_analytics_and_shows_networks(
    org_a: Organisation, officer_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = entity(org_a, "Alpha"), entity(org_a, "Bravo"), entity(org_a, "Charlie")
    services.relation_add(
        actor=None,
        source=a,
        target=b,
        relation_type="paid",
        report=report(org_a),
        seen_on=dt.date(2026, 1, 1),
    )
    services.relation_add(
        actor=None,
        source=b,
        target=c,
        relation_type="paid",
        report=report(org_a),
        seen_on=dt.date(2026, 1, 2),
    )
    client = verified_client(officer_a)
    assert "No analysis yet." in client.get(reverse("intelligence:networks")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intelligence:analytics_start"))
    assert response.status_code == 302
    listing = client.get(reverse("intelligence:networks")).content.decode()
    assert f"{b.reference} Bravo" in listing
    detail = client.get(reverse("intelligence:networks"), {"network": 0}).content.decode()
    assert "2026-01" in detail and "Charlie" in detail
    assert client.get(reverse("intelligence:networks"), {"network": 7}).status_code == 404
    assert client.get(reverse("intelligence:networks"), {"network": "²"}).status_code == 200  # not a number
    progress = client.get(reverse("intelligence:analytics_progress"))
    assert "Done" in progress.content.decode()
    assert "Done" in client.get(reverse("intelligence:analytics_progress"), {"run": "²"}).content.decode()
    overview = client.get(reverse("intelligence:overview_json")).json()
    assert sorted(n["label"] for n in overview["nodes"]) == ["Alpha", "Bravo", "Charlie"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in overview["nodes"])
    assert sorted(map(sorted, overview["edges"])) == [sorted([a.pk, b.pk]), sorted([b.pk, c.pk])]
    path = client.get(reverse("intelligence:path"), {"source": a.pk, "target": c.pk}).content.decode()
    assert path.index("Alpha") < path.index("Bravo") < path.index("Charlie")


def test_agency_register_page(org_a: Organisation, make_user: Callable[..., User]) -> None:
    Agency.objects.create(
        name="Golden Lotus", name_key="golden lotus", licence_status="licensed", licence_number="DOE-1"
    )
    Agency.objects.create(name="Shady Co", name_key="shady co", licence_status="revoked")
    analyst = make_user(org_a, Role.ANALYST)
    page = (
        verified_client(analyst).get(reverse("intelligence:agencies"), {"status": "revoked"}).content.decode()
    )
    assert "Shady Co" in page and "Golden Lotus" not in page


def _api(organisation: Organisation, role: Role) -> Client:
    _key, secret = accounts_services.api_key_issue(actor=None, organisation=organisation, name="k", role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.urls("tests.intelligence.api_urls")
def test_api_gives_recipients_the_sanitised_record_and_hides_the_rest(
    org_a: Organisation, police: Organisation, officer_a: User, agreement_p: Any
) -> None:
    from .api_urls import PREFIX

    kept = record(org_a, author=officer_a, handling_code="C")  # C: the agreement does not cover it
    shared = record(org_a, author=officer_a)
    services.intel_record_release(actor=officer_a, record=shared, organisation=police)
    partner_api = _api(police, Role.PARTNER_LAW_ENFORCEMENT)
    listing = partner_api.get(f"{PREFIX}/intelligence/records").json()
    assert [r["id"] for r in listing["items"]] == [shared.pk]
    one = partner_api.get(f"{PREFIX}/intelligence/records/{shared.pk}").json()
    assert (one["version"], one["text"], one["released_to"]) == (
        "sanitised",
        "LEAK-MARKER sanitised text",
        [police.pk],
    )
    hidden = partner_api.get(f"{PREFIX}/intelligence/records/{kept.pk}")
    assert hidden.status_code == 404
    assert "LEAK-MARKER" not in hidden.content.decode()
    own_api = _api(org_a, Role.LIAISON_OFFICER)
    assert own_api.get(f"{PREFIX}/intelligence/records/{kept.pk}").json()["text"] == (
        "LEAK-MARKER original text naming the informant"
    )
    refused = own_api.post(
        f"{PREFIX}/intelligence/records/{kept.pk}/releases",
        data={"organisation_id": police.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert partner_api.get(f"{PREFIX}/intelligence/agency-status", {"name": "x"}).status_code == 403


@pytest.mark.urls("tests.intelligence.api_urls")
def test_api_creates_a_graded_record(org_a: Organisation) -> None:
    from .api_urls import PREFIX

    response = _api(org_a, Role.LIAISON_OFFICER).post(
        f"{PREFIX}/intelligence/records",
        data={
            "title": "T",
            "text": "Full",
            "sanitised_text": "Clean",
            "source_evaluation": "3",
            "intelligence_assessment": "E",
            "handling_code": "P",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    created = IntelRecord.objects.get()
    assert (response.json()["id"], created.grading, created.originator_id) == (created.pk, "3EP", org_a.pk)


def test_list_pages_take_a_fixed_number_of_queries(
    org_a: Organisation, officer_a: User, django_assert_max_num_queries: Any
) -> None:
    client = verified_client(officer_a)
    for _ in range(3):
        record(org_a, author=officer_a)
        entity(org_a, "Someone")
    client.get(reverse("intelligence:records"))  # warm the session and grant caches
    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("intelligence:records"))
    assert page.content.decode().count("LEAK-MARKER title") == 3
    for _ in range(5):
        record(org_a, author=officer_a)
        entity(org_a, "Someone")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("intelligence:records"))
    assert page.content.decode().count("LEAK-MARKER title") == 8
    with django_assert_max_num_queries(12) as entity_queries:
        client.get(reverse("intelligence:entities"))
    entity(org_a, "One more")
    with django_assert_max_num_queries(len(entity_queries.captured_queries)):
        assert client.get(reverse("intelligence:entities")).content.decode().count("Someone") == 8


def test_entity_page_does_not_name_another_holder(
    org_a: Organisation,
    org_b: Organisation,
    police: Organisation,
    officer_a: User,
    partner: User,
    agreement_p: Any,
) -> None:
    person = entity(org_b, "Shared person", external_key="S1")  # first recorded from org B's report
    created = record(org_a, author=officer_a)
    services.entity_upsert(
        actor=officer_a, kind="person", label="Shared person", record=created, external_key="S1"
    )
    services.intel_record_release(actor=officer_a, record=created, organisation=police)
    url = reverse("intelligence:entity_detail", kwargs={"entity_id": person.pk})
    seen = verified_client(partner).get(url).content.decode()
    assert "Shared person" in seen
    assert "Agency B" not in seen and "First recorded by" not in seen
    assert created.reference in seen
