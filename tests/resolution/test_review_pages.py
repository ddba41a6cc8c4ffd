"""The review queue pages: pairs side by side, most uncertain first; confirm, reject (htmx too); split."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.governance.models import AuditEvent
from tiaki.intelligence.models import Entity
from tiaki.resolution.models import EntityLink, LinkDecision

from ..conftest import verified_client
from .review_factories import linked, mention, pending

pytestmark = pytest.mark.django_db


def test_the_queue_shows_both_sides_most_uncertain_first(org_a: Organisation, make_user: Any) -> None:
    far = pending(org_a)
    near = pending(org_a)
    EntityLink.objects.filter(pk=far.pk).update(probability=0.85)
    EntityLink.objects.filter(pk=near.pk).update(probability=0.55)
    analyst = make_user(org_a, Role.ANALYST)
    response = verified_client(analyst).get(reverse("resolution:review"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'id="link-{near.pk}"') < html.index(f'id="link-{far.pk}"')
    assert "LEAK-MARKER Tran V. Hung" in html and "LEAK-MARKER Tran Van Hung" in html
    assert "probability 0.55" in html and "name: similar" in html
    assert AuditEvent.objects.filter(action="mention.read", actor_id=analyst.pk).count() == 1


def test_the_queue_is_empty_for_another_organisation(
    org_a: Organisation, org_b: Organisation, make_user: Any
) -> None:
    pending(org_a)
    response = verified_client(make_user(org_b, Role.ANALYST)).get(reverse("resolution:review"))
    assert "LEAK-MARKER" not in response.content.decode()
    assert "Nothing waits for review." in response.content.decode()


def test_confirm_through_htmx_merges_and_answers_with_a_fragment(org_a: Organisation, make_user: Any) -> None:
    link = pending(org_a)
    doomed, candidate = link.entity_id, link.candidate_id
    client = verified_client(make_user(org_a, Role.ANALYST))
    response = client.post(
        reverse("resolution:link_decide", args=[link.pk]), {"decision": "confirm"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f"Merged into E-{candidate:06d}." in response.content.decode()
    link.refresh_from_db()
    assert (link.decision, link.entity_id) == (LinkDecision.CONFIRMED, candidate)
    assert not Entity.objects.filter(pk=doomed).exists()


def test_reject_without_javascript_redirects_back(org_a: Organisation, make_user: Any) -> None:
    link = pending(org_a)
    client = verified_client(make_user(org_a, Role.ANALYST))
    response = client.post(reverse("resolution:link_decide", args=[link.pk]), {"decision": "reject"})
    assert response.status_code == 302 and response.url == reverse("resolution:review")
    link.refresh_from_db()
    assert link.decision == LinkDecision.REJECTED
    again = client.post(
        reverse("resolution:link_decide", args=[link.pk]), {"decision": "confirm"}, follow=True
    )
    assert "This link is not waiting for review." in again.content.decode()


def test_the_mentions_page_lists_an_entitys_mentions_and_splits_one_off(
    org_a: Organisation, make_user: Any
) -> None:
    first = linked(mention(org_a))
    second = linked(
        mention(org_a, "LEAK-MARKER Hung Tran", dob="1980"),
        entity=first.entity,
        decision="auto",
        probability=0.93,
    )
    client = verified_client(make_user(org_a, Role.ANALYST))
    page = client.get(reverse("resolution:entity_mentions", args=[first.entity_id])).content.decode()
    assert "LEAK-MARKER Tran Van Hung" in page and "LEAK-MARKER Hung Tran" in page and "0.93" in page
    response = client.post(reverse("resolution:mention_split", args=[second.mention_id]))
    second.refresh_from_db()
    assert second.entity_id != first.entity_id
    assert response.url == reverse("resolution:entity_mentions", args=[second.entity_id])
    alone = client.post(reverse("resolution:mention_split", args=[second.mention_id]), follow=True)
    assert "This mention is the only one of its entity." in alone.content.decode()


def test_the_partner_report_form_takes_named_people(
    org_a: Organisation, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = verified_client(make_user(org_a, Role.LIAISON_OFFICER))
    data = {
        "channel": "interview",
        "narrative": "He took their passports.",
        "mentions-TOTAL_FORMS": "3",
        "mentions-INITIAL_FORMS": "0",
        "mentions-0-kind": "person",
        "mentions-0-role": "suspect",
        "mentions-0-value": "Somchai Jaidee",
        "mentions-0-nationality": "TH",
        "mentions-1-kind": "phone",
        "mentions-1-role": "suspect",
        "mentions-1-value": "+66 81 234 5678",
        "mentions-2-kind": "person",
        "mentions-2-role": "other",
        "mentions-2-value": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 302
    links = list(EntityLink.objects.select_related("mention").order_by("mention_id"))
    assert [(link.mention.kind, link.mention.role, link.mention.value, link.decision) for link in links] == [
        ("person", "suspect", "Somchai Jaidee", "new"),
        ("phone", "suspect", "+66 81 234 5678", "new"),
    ]
    assert links[0].mention.attributes == {"name": "Somchai Jaidee", "nationality": "TH"}
    assert links[1].entity.label == "+66812345678"


def test_the_queue_costs_the_same_queries_for_one_pair_or_many(org_a: Organisation, make_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = verified_client(make_user(org_a, Role.ANALYST))
    pending(org_a)
    client.get(reverse("resolution:review"))  # the session and grants settle
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("resolution:review"))
    for _ in range(4):
        pending(org_a)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("resolution:review"))
    assert response.content.decode().count('class="card review-pair"') == 5
    assert len(five.captured_queries) == len(one.captured_queries)
