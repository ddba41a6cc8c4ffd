"""Watchlist API: screen JSON rows, follow the screening, page through hits, decide one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.resolution import watchlist_services
from tiaki.resolution.models import HitDecision, WatchlistHit, WatchlistScreening

from .watchlist_factories import TRAVELLERS, known_people

pytestmark = pytest.mark.django_db
BASE = "/api/v1/watchlist"


def _client(organisation: Organisation, role: Role = Role.ANALYST) -> Client:
    _key, secret = accounts_services.api_key_issue(
        actor=None, organisation=organisation, name="sys", role=role
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(BASE + path, data=json.dumps(body), content_type="application/json")


def test_screen_follow_page_and_decide(org_a: Organisation, django_capture_on_commit_callbacks: Any) -> None:
    people = known_people(org_a)
    client = _client(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        created = _post(client, "/screenings", {"title": "API arrivals", "rows": TRAVELLERS})
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["status"], body["records"], body["hits"]) == ("API arrivals", "queued", 7, 0)

    status = client.get(f"{BASE}/screenings/{body['id']}").json()
    assert (status["status"], status["stage"], status["progress"], status["hits"]) == ("done", "done", 1.0, 5)
    assert status["watchlist_size"] == 3

    first = client.get(f"{BASE}/screenings/{body['id']}/hits?limit=2").json()
    assert first["count"] == 5 and len(first["items"]) == 2
    everything = client.get(f"{BASE}/screenings/{body['id']}/hits?limit=10").json()["items"]
    t1 = next(h for h in everything if h["record_ref"] == "t1")
    somchai = people["somchai"]
    assert {k: v for k, v in t1.items() if k not in {"id", "score"}} == {
        "record_ref": "t1",
        "record": {"id": "t1", "name": "JAIDEE Somchai", "dob": "03/02/1980"},
        "entity_id": somchai.pk,
        "entity_reference": somchai.reference,
        "reasons": ["name exact", "dob exact"],
        "decision": "pending",
        "remembered": False,
    }

    decided = _post(client, f"/hits/{t1['id']}/decision", {"decision": "confirmed"})
    assert decided.status_code == 200
    assert (decided.json()["decision"], decided.json()["remembered"]) == ("confirmed", False)
    assert list(HitDecision.objects.values_list("entity_id", "decision")) == [(somchai.pk, "confirmed")]
    assert _post(client, f"/hits/{t1['id']}/decision", {"decision": "maybe"}).status_code == 422

    listing = client.get(f"{BASE}/screenings").json()
    assert [s["id"] for s in listing["items"]] == [body["id"]]


def test_lists_are_bounded_and_checked(org_a: Organisation) -> None:
    client = _client(org_a)
    too_many = [{"id": str(i), "name": "A"} for i in range(watchlist_services.MAX_API_ROWS + 1)]
    assert _post(client, "/screenings", {"title": "Big", "rows": too_many}).status_code == 422
    duplicate = _post(client, "/screenings", {"title": "Dup", "rows": [{"id": "a"}, {"id": "a"}]})
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"] == {"__all__": ["Row 2 repeats the id of an earlier row."]}
    assert WatchlistScreening.objects.count() == 0


def test_other_organisations_screenings_and_hits_are_not_found(
    org_a: Organisation, org_b: Organisation
) -> None:
    known_people(org_a)
    screening = watchlist_services.watchlist_screening_create(
        actor=_api_user(org_a), title="LEAK-MARKER", rows=TRAVELLERS
    )
    watchlist_services.watchlist_screening_run(screening.pk)
    hit = WatchlistHit.objects.first()
    assert hit is not None
    other = _client(org_b)
    for path in (f"/screenings/{screening.pk}", f"/screenings/{screening.pk}/hits"):
        response = other.get(BASE + path)
        assert response.status_code == 404 and "LEAK-MARKER" not in response.content.decode()
    assert _post(other, f"/hits/{hit.pk}/decision", {"decision": "rejected"}).status_code == 404
    assert other.get(f"{BASE}/screenings").json()["items"] == []
    assert WatchlistHit.objects.get(pk=hit.pk).decision == "pending"


def _api_user(organisation: Organisation) -> Any:
    key, _secret = accounts_services.api_key_issue(
        actor=None, organisation=organisation, name="sys", role=Role.ANALYST
    )
    return key.user
