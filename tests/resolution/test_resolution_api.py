"""The resolution API: mentions for a report, the review queue, decisions, an entity's mentions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.resolution.models import EntityLink, LinkDecision, Mention

from ..intelligence.factories import report
from .review_factories import linked, mention, pending

pytestmark = pytest.mark.django_db


def _client(organisation: Organisation, role: Role) -> Client:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=organisation, name="sys", role=role
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_partner_system_adds_mentions_to_its_report_and_they_are_resolved(
    org_a: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    held = report(org_a)
    client = _client(org_a, Role.PARTNER_SYSTEM)
    body = {
        "mentions": [
            {"kind": "person", "role": "victim", "name": "Malee Boonmee", "dob": "2001-04-02"},
            {"kind": "phone", "role": "suspect", "value": "+66 81 234 5678"},
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, f"/api/v1/resolution/reports/{held.pk}/mentions", body)
    assert response.status_code == 201
    made = list(Mention.objects.order_by("id"))
    assert response.json() == [
        {"id": made[0].pk, "kind": "person", "role": "victim"},
        {"id": made[1].pk, "kind": "phone", "role": "suspect"},
    ]
    assert [link.decision for link in EntityLink.objects.order_by("mention_id")] == ["new", "new"]


def test_a_report_submitted_with_mentions_stores_them(
    org_a: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(org_a, Role.PARTNER_SYSTEM)
    body = {
        "narrative": "They took our passports.",
        "mentions": [{"name": "Somchai Jaidee", "role": "suspect"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "/api/v1/reports", body)
    assert response.status_code == 201
    [made] = Mention.objects.all()
    assert (made.report_id, made.value, made.role, made.link.decision) == (
        response.json()["id"],
        "Somchai Jaidee",
        "suspect",
        "new",
    )


def test_bad_mentions_are_refused_and_nothing_is_written(org_a: Organisation) -> None:
    held = report(org_a)
    client = _client(org_a, Role.PARTNER_SYSTEM)
    response = _post(
        client, f"/api/v1/resolution/reports/{held.pk}/mentions", {"mentions": [{"kind": "person"}]}
    )
    assert response.status_code == 422
    assert Mention.objects.count() == 0


def test_another_organisations_report_does_not_exist_for_you(
    org_a: Organisation, org_b: Organisation
) -> None:
    theirs = report(org_b)
    client = _client(org_a, Role.PARTNER_SYSTEM)
    response = _post(
        client, f"/api/v1/resolution/reports/{theirs.pk}/mentions", {"mentions": [{"name": "X"}]}
    )
    assert response.status_code == 404
    assert Mention.objects.count() == 0


def test_the_review_queue_and_a_decision(org_a: Organisation, org_b: Organisation) -> None:
    link = pending(org_a)
    client = _client(org_a, Role.ANALYST)
    listing = client.get("/api/v1/resolution/review").json()
    assert listing["count"] == 1
    [item] = listing["items"]
    assert (item["id"], item["probability"], item["reasons"], item["decision"]) == (
        link.pk,
        0.62,
        ["name: similar"],
        "pending",
    )
    assert item["mention"]["name"] == "LEAK-MARKER Tran V. Hung"
    assert [m["name"] for m in item["candidate_mentions"]] == ["LEAK-MARKER Tran Van Hung"]
    assert _client(org_b, Role.ANALYST).get("/api/v1/resolution/review").json()["count"] == 0
    assert (
        _post(
            _client(org_b, Role.ANALYST),
            f"/api/v1/resolution/links/{link.pk}/decision",
            {"decision": "confirm"},
        ).status_code
        == 404
    )
    response = _post(client, f"/api/v1/resolution/links/{link.pk}/decision", {"decision": "confirm"})
    assert response.status_code == 200
    assert (response.json()["decision"], response.json()["entity_id"]) == ("confirmed", link.candidate_id)
    again = _post(client, f"/api/v1/resolution/links/{link.pk}/decision", {"decision": "reject"})
    assert again.status_code == 422
    assert EntityLink.objects.get(pk=link.pk).decision == LinkDecision.CONFIRMED


def test_an_entitys_mentions_with_their_links(org_a: Organisation, org_b: Organisation) -> None:
    first = linked(mention(org_a))
    linked(mention(org_a, "LEAK-MARKER Hung Tran"), entity=first.entity, decision="auto", probability=0.93)
    response = _client(org_a, Role.ANALYST).get(f"/api/v1/resolution/entities/{first.entity_id}/mentions")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["attributes"]["name"], r["link"]["decision"], r["link"]["probability"]) for r in rows] == [
        ("LEAK-MARKER Tran Van Hung", "new", 0.0),
        ("LEAK-MARKER Hung Tran", "auto", 0.93),
    ]
    hidden = _client(org_b, Role.ANALYST).get(f"/api/v1/resolution/entities/{first.entity_id}/mentions")
    assert hidden.status_code == 404 and "LEAK-MARKER" not in hidden.content.decode()
