"""Watchlist pages: upload a list (bad files refused whole, with the line), follow it, decide its hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.governance.models import AuditEvent
from tiaki.resolution.models import HitDecision, WatchlistHit, WatchlistScreening

from ..conftest import verified_client
from .watchlist_factories import TRAVELLERS_CSV, known_people

pytestmark = pytest.mark.django_db
# Session, user, grants, the screening, its audit event, the hits and their counts: none of them per hit.
QUERIES = 16


@pytest.fixture
def analyst(org_a: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org_a, Role.ANALYST, "analyst.a")


def _upload(client: Any, content: bytes, name: str = "arrivals.csv") -> Any:
    return client.post(
        reverse("resolution:watchlist"),
        {"title": "Arrivals 1 March", "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_screen_and_decide(
    analyst: User, org_a: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    people = known_people(org_a)
    client = verified_client(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, TRAVELLERS_CSV.encode())
    screening = WatchlistScreening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resolution:watchlist_screening", args=[screening.pk])
    assert (screening.status, screening.records, screening.hits) == ("done", 4, 3)
    # Unknown columns (seat) are not kept.
    assert WatchlistHit.objects.get(record_ref="t1").record == {
        "id": "t1",
        "name": "JAIDEE Somchai",
        "dob": "03/02/1980",
        "gender": "M",
    }

    page = client.get(response["Location"]).content.decode()
    assert "name exact" in page and "dob exact" in page and "Maria" not in page
    assert reverse("intelligence:entity_detail", args=[people["somchai"].pk]) in page

    hit = WatchlistHit.objects.get(record_ref="t6")
    fragment = client.post(
        reverse("resolution:watchlist_hit_decide", args=[hit.pk]),
        {"decision": "rejected"},
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith(f'<tr id="hit-{hit.pk}" class="decision-rejected">')
    assert HitDecision.objects.get().decision == "rejected"

    page = client.get(response["Location"]).content.decode()
    assert f'id="hit-{hit.pk}"' not in page and "Show 1 rejected hit" in page
    assert f'id="hit-{hit.pk}"' in client.get(response["Location"] + "?rejected=1").content.decode()

    progress = client.get(
        reverse("resolution:watchlist_progress", args=[screening.pk]), HTTP_HX_REQUEST="true"
    )
    assert progress["HX-Refresh"] == "true" and 'value="100"' in progress.content.decode()

    listing = client.get(reverse("resolution:watchlist")).content.decode()
    assert "Arrivals 1 March" in listing


def test_a_queued_screening_polls_its_progress(analyst: User) -> None:
    client = verified_client(analyst)
    response = _upload(client, TRAVELLERS_CSV.encode())  # the task waits for the commit, never reached here
    screening = WatchlistScreening.objects.get()
    assert screening.status == "queued" and screening.pending_rows[0]["id"] == "t1"
    page = client.get(response["Location"]).content.decode()
    assert f'hx-get="{reverse("resolution:watchlist_progress", args=[screening.pk])}"' in page
    progress = client.get(
        reverse("resolution:watchlist_progress", args=[screening.pk]), HTTP_HX_REQUEST="true"
    )
    assert "HX-Refresh" not in progress


BIG = "x" * (11 * 1024 * 1024)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"id,name\nt1,Somchai\nt2,Jos\xe9\n",
            "arrivals.csv:3: not valid UTF-8 (is it Latin-1 or another legacy",
        ),
        ("id,name\nt1,Somchai\n".encode("utf-16"), "arrivals.csv:1: the file is UTF-16 (or binary)"),
        (b"name,dob\nSomchai,1980\n", "arrivals.csv:1: missing required column(s) id in the header"),
        (b"id,name\nt1,Somchai\nt2,A,B\n", "arrivals.csv:3: expected 2 fields as in the header, found 3"),
        (b"id,name\nt1,Somchai\nt1,Hung\n", "arrivals.csv:3: duplicate id &#x27;t1&#x27;"),
        (b"id,name\nt1,Somchai\n,Hung\n", "arrivals.csv:3: empty id"),
        (b"id,dob\nt1,1980\n", "arrivals.csv:1: give at least a name, phone or id_number column"),
        (b"", "The submitted file is empty."),
        (f'id,name\nt1,Somchai\nt2,"{BIG}"\n'.encode(), "arrivals.csv:3: malformed CSV: field larger than"),
    ],
    ids=[
        "latin-1",
        "utf-16",
        "no-id",
        "fields",
        "duplicate",
        "empty-id",
        "nothing-to-match",
        "empty",
        "10mb",
    ],
)
def test_bad_files_are_refused_with_the_line_and_nothing_is_kept(
    analyst: User, content: bytes, message: str
) -> None:
    events = AuditEvent.objects.count()
    response = _upload(verified_client(analyst), content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert WatchlistScreening.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_byte_order_mark_is_fine(analyst: User) -> None:
    response = _upload(verified_client(analyst), b"\xef\xbb\xbfid,name\nt1,Somchai Jaidee\n")
    assert response.status_code == 302
    assert WatchlistScreening.objects.get().pending_rows == [{"id": "t1", "name": "Somchai Jaidee"}]


def test_other_organisations_screenings_do_not_exist_for_you(
    analyst: User, org_b: Organisation, make_user: Callable[..., User]
) -> None:
    _upload(verified_client(analyst), TRAVELLERS_CSV.encode())
    screening = WatchlistScreening.objects.get()
    other = verified_client(make_user(org_b, Role.ANALYST))
    assert other.get(reverse("resolution:watchlist_screening", args=[screening.pk])).status_code == 404
    assert "Arrivals 1 March" not in other.get(reverse("resolution:watchlist")).content.decode()


def test_the_navigation_links_the_page_for_those_who_may_screen(
    analyst: User, org_a: Organisation, make_user: Callable[..., User]
) -> None:
    url = reverse("resolution:watchlist")
    assert f'href="{url}"' in verified_client(analyst).get(reverse("web:home")).content.decode()
    caseworker = make_user(org_a, Role.CASEWORKER)
    assert f'href="{url}"' not in verified_client(caseworker).get(reverse("web:home")).content.decode()


def test_the_hits_page_costs_the_same_queries_however_many_hits(
    analyst: User, org_a: Organisation, django_assert_num_queries: Any
) -> None:
    from .watchlist_factories import hit

    client = verified_client(analyst)
    one = hit(org_a)
    url = reverse("resolution:watchlist_screening", args=[one.screening_id])
    client.get(url)  # warm the session and the grants
    with django_assert_num_queries(QUERIES) as few:
        client.get(url)
    for n in range(5):
        WatchlistHit.objects.create(
            screening=one.screening,
            record_ref=f"t{n + 2}",
            record={"id": f"t{n + 2}"},
            fingerprint="e" * 64,
            entity=one.entity,
            score=0.95,
            reasons=["name exact"],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
