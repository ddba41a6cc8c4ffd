"""Watchlist screening in the application: hits against visible entities only, remembered decisions,
nothing kept of the rest of the list, failures that keep nothing either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent
from tiaki.intelligence import services as intelligence_services
from tiaki.intelligence.models import Alert, AlertReason
from tiaki.resolution import linkage
from tiaki.resolution import watchlist_selectors as selectors
from tiaki.resolution import watchlist_services as services
from tiaki.resolution.models import HitDecision, WatchlistHit, WatchlistScreening

from ..intelligence.factories import entity
from .watchlist_factories import TRAVELLERS, known_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(org_a: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org_a, Role.ANALYST, "analyst.a")


@pytest.fixture
def people(org_a: Organisation, org_b: Organisation) -> dict[str, Any]:
    known = known_people(org_a)
    # Org B knows "Hidden Person"; org A's screenings must never learn of it.
    known["hidden"] = entity(
        org_b, "Hidden Person", attributes={"name": "Hidden Person", "dob": "1970-01-01"}
    )
    return known


def _screen(user: User, rows: list[dict[str, str]], title: str = "Arrivals 1 March") -> WatchlistScreening:
    screening = services.watchlist_screening_create(actor=user, title=title, rows=rows)
    services.watchlist_screening_run(screening.pk)
    return WatchlistScreening.objects.get(pk=screening.pk)


def _hits(screening: WatchlistScreening) -> list[tuple[str, int, list[str], str, bool]]:
    return [
        (h.record_ref, h.entity_id, h.reasons, h.decision, h.remembered)
        for h in WatchlistHit.objects.filter(screening=screening).order_by("record_ref", "entity_id")
    ]


def test_hits_carry_score_and_reasons_and_nothing_else_is_kept(analyst: User, people: dict[str, Any]) -> None:
    screening = _screen(analyst, TRAVELLERS)
    somchai, hung, wichai = people["somchai"].pk, people["hung"].pk, people["wichai"].pk
    assert _hits(screening) == [
        ("t1", somchai, ["name exact", "dob exact"], "pending", False),
        ("t2", hung, ["name exact", "dob exact"], "pending", False),
        ("t5", somchai, ["name≈ (initials agree)", "phone exact", "nationality exact"], "pending", False),
        ("t6", wichai, ["name≈ (translit/spelling)"], "pending", False),
        ("t8", somchai, ["name exact", "id number exact"], "pending", False),
    ]
    assert all(0.9 <= h.score <= 1 for h in WatchlistHit.objects.all())
    assert (screening.status, screening.stage, screening.progress) == ("done", "done", 1.0)
    assert (screening.records, screening.watchlist_size, screening.hits) == (7, 3, 5)
    assert screening.pending_rows == []
    # The stored record is the row as given, encrypted at rest.
    t1 = WatchlistHit.objects.get(record_ref="t1")
    assert t1.record == {"id": "t1", "name": "JAIDEE Somchai", "dob": "03/02/1980"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT record FROM resolution_watchlisthit")
        stored = " ".join(str(r[0]) for r in cursor.fetchall())
        cursor.execute("SELECT pending_rows FROM resolution_watchlistscreening")
        pending = " ".join(str(r[0]) for r in cursor.fetchall())
    assert "JAIDEE" not in stored and "Maria" not in stored and "Maria" not in pending
    details = list(AuditEvent.objects.filter(action="watchlist.screened").values_list("details", flat=True))
    assert details == [{"rows": 7, "entities": 3, "hits": 5, "remembered": 0}]


def test_name_only_lists_work(analyst: User, people: dict[str, Any]) -> None:
    screening = _screen(analyst, [{"id": "a", "name": "Tran Van Hung"}, {"id": "b", "name": "Ana Silva"}])
    assert [(h[0], h[1]) for h in _hits(screening)] == [("a", people["hung"].pk)]


def test_entities_the_organisation_cannot_see_never_hit(
    analyst: User, people: dict[str, Any], org_b: Organisation, make_user: Callable[..., User]
) -> None:
    screening = _screen(analyst, [{"id": "x", "name": "Hidden Person", "dob": "1970-01-01"}])
    assert _hits(screening) == []
    assert screening.watchlist_size == 3
    # Org B's analyst, screening the same row, does see its own entity.
    theirs = _screen(
        make_user(org_b, Role.ANALYST), [{"id": "x", "name": "Hidden Person", "dob": "1970-01-01"}]
    )
    assert [(h[0], h[1]) for h in _hits(theirs)] == [("x", people["hidden"].pk)]
    assert theirs.watchlist_size == 1


def test_a_member_who_lost_the_role_screens_against_nothing(analyst: User, people: dict[str, Any]) -> None:
    screening = services.watchlist_screening_create(actor=analyst, title="Arrivals", rows=TRAVELLERS)
    analyst.memberships.update(active=False)
    policy.forget(analyst)
    services.watchlist_screening_run(screening.pk)
    screening.refresh_from_db()
    assert (screening.status, screening.watchlist_size, screening.hits) == ("done", 0, 0)
    assert screening.pending_rows == []


def test_decisions_are_remembered_for_the_next_list(analyst: User, people: dict[str, Any]) -> None:
    somchai, hung, wichai = people["somchai"], people["hung"].pk, people["wichai"].pk
    intelligence_services.watch_create(actor=analyst, entity=somchai)
    first = _screen(analyst, TRAVELLERS)
    confirmed = services.watchlist_hit_decide(
        actor=analyst, hit=WatchlistHit.objects.get(screening=first, record_ref="t1"), decision="confirmed"
    )
    services.watchlist_hit_decide(
        actor=analyst, hit=WatchlistHit.objects.get(screening=first, record_ref="t6"), decision="rejected"
    )
    assert sorted(HitDecision.objects.values_list("entity_id", "decision", "decided_by_id")) == sorted(
        [(somchai.pk, "confirmed", analyst.pk), (wichai, "rejected", analyst.pk)]
    )
    assert list(Alert.objects.values_list("reason", "reason_key", "entity_id")) == [
        (AlertReason.WATCHLIST_HIT, f"watchlist:{first.pk}:{confirmed.pk}", somchai.pk)
    ]
    assert list(
        AuditEvent.objects.filter(action__startswith="watchlist.hit_").values_list("action", "details")
    ) == [
        ("watchlist.hit_confirmed", {"screening": first.pk, "entity": somchai.pk}),
        ("watchlist.hit_rejected", {"screening": first.pk, "entity": wichai}),
    ]

    # The same people on a later list: other row ids, names in another order and case, dates written
    # another way. The decisions apply by themselves; new hits wait for review.
    second = _screen(
        analyst,
        [
            {"id": "r9", "name": "Somchai JAIDEE", "dob": "1980-02-03"},
            {"id": "r10", "name": "BOONMEE Wichai"},
            {"id": "r11", "name": "Tran Van Hung", "dob": "06/05/1975"},
        ],
        title="Arrivals 2 March",
    )
    assert _hits(second) == [
        ("r10", wichai, ["name≈ (translit/spelling)"], "rejected", True),
        ("r11", hung, ["name exact", "dob exact"], "pending", False),
        ("r9", somchai.pk, ["name exact", "dob exact"], "confirmed", True),
    ]
    remembered = WatchlistHit.objects.get(screening=second, record_ref="r9")
    assert remembered.decided_by_id == analyst.pk
    # A confirmed person on the move again: the watcher hears of it once more.
    assert Alert.objects.filter(reason_key=f"watchlist:{second.pk}:{remembered.pk}").count() == 1
    assert AuditEvent.objects.filter(action="watchlist.screened").last().details == {
        "rows": 3,
        "entities": 3,
        "hits": 3,
        "remembered": 2,
    }


def test_rejected_hits_are_hidden_unless_asked_for(analyst: User, people: dict[str, Any]) -> None:
    screening = _screen(analyst, TRAVELLERS)
    services.watchlist_hit_decide(
        actor=analyst, hit=WatchlistHit.objects.get(record_ref="t6"), decision="rejected"
    )
    shown = selectors.screening_hits(user=analyst, screening=screening, include_rejected=False)
    assert sorted(h.record_ref for h in shown) == ["t1", "t2", "t5", "t8"]
    everything = selectors.screening_hits(user=analyst, screening=screening)
    assert sorted(h.record_ref for h in everything) == ["t1", "t2", "t5", "t6", "t8"]


def test_a_failure_keeps_nothing_and_marks_the_screening_failed(
    analyst: User, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine fell over on Maria Lopez")

    monkeypatch.setattr(linkage, "screen_watchlist", broken)
    screening = _screen(analyst, TRAVELLERS)
    assert (screening.status, screening.stage, screening.error) == ("failed", "failed", "RuntimeError")
    assert screening.pending_rows == []
    assert screening.finished_at is not None
    assert WatchlistHit.objects.count() == 0


def test_a_screening_left_running_by_a_dead_worker_is_taken_up_on_the_next_attempt(
    analyst: User, people: dict[str, Any]
) -> None:
    screening = services.watchlist_screening_create(actor=analyst, title="Arrivals", rows=TRAVELLERS)
    # The first worker claimed it and was killed before storing anything.
    WatchlistScreening.objects.filter(pk=screening.pk).update(status="running", stage="matching")
    # A duplicate delivery of the first attempt must not run it twice...
    assert services.watchlist_screening_run(screening.pk).status == "running"
    assert WatchlistHit.objects.count() == 0
    # ...while the re-queued task (second attempt) finishes it and empties the waiting list.
    resumed = services.watchlist_screening_run(screening.pk, resume=True)
    assert (resumed.status, resumed.hits) == ("done", 5)
    assert WatchlistScreening.objects.get(pk=screening.pk).pending_rows == []
    # Done is final: a late resume changes nothing.
    assert services.watchlist_screening_run(screening.pk, resume=True).hits == 5
    assert WatchlistHit.objects.count() == 5


def test_a_bad_list_is_refused_whole(analyst: User) -> None:
    for rows, message in [
        ([], "The list has no rows."),
        ([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}], "Row 2 repeats the id of an earlier row."),
        ([{"name": "No id"}], "Row 1 has no id."),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.watchlist_screening_create(actor=analyst, title="Arrivals", rows=rows)
        assert caught.value.messages == [message]
    with pytest.raises(ValidationError):
        services.watchlist_screening_create(actor=analyst, title=" ", rows=[{"id": "a", "name": "A"}])
    assert WatchlistScreening.objects.count() == 0


def test_other_organisations_see_nothing_and_decide_nothing(
    analyst: User, people: dict[str, Any], org_b: Organisation, make_user: Callable[..., User]
) -> None:
    screening = _screen(analyst, TRAVELLERS)
    hit = WatchlistHit.objects.get(record_ref="t1")
    services.watchlist_hit_decide(actor=analyst, hit=hit, decision="rejected")
    other = make_user(org_b, Role.LIAISON_OFFICER)
    assert list(selectors.screening_list(user=other)) == []
    with pytest.raises(WatchlistHit.DoesNotExist):
        selectors.hit_get(user=other, hit_id=hit.pk)
    assert list(policy.scoped(other, policy.Permission.WATCHLIST_SCREEN, HitDecision.objects.all())) == []
    with pytest.raises(policy.Denied):
        services.watchlist_hit_decide(actor=other, hit=hit, decision="confirmed")
    # Same organisation, without the permission.
    caseworker = make_user(screening.organisation, Role.CASEWORKER)
    with pytest.raises(policy.Denied):
        selectors.screening_list(user=caseworker)
    # Another permission does not open screenings either.
    assert list(policy.scoped(analyst, policy.Permission.INTEL_VIEW, WatchlistScreening.objects.all())) == []
    assert list(selectors.screening_list(user=analyst)) == [screening]


def test_the_fingerprint_ignores_how_a_person_is_written() -> None:
    a = services.person_fingerprint({"name": "Somchai Jaidee", "dob": "1980-02-03", "id_number": "AA 123"})
    b = services.person_fingerprint({"name": "JAIDEE  somchai", "dob": "03/02/1980", "id_number": "aa123"})
    c = services.person_fingerprint({"name": "Somchai Jaidee", "dob": "1981-02-03", "id_number": "AA 123"})
    assert a == b != c
    assert len(a) == 64 and "somchai" not in a
