"""Graded records, releases by agreement, provenance-scoped graph visibility, alerts, agency checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tiaki.accounts.models import Organisation, User
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent
from tiaki.governance.services import sharing_agreement_set
from tiaki.intelligence import selectors, services
from tiaki.intelligence.models import Agency, Alert, Entity, IntelRecord, Relation

from .factories import entity, report

pytestmark = pytest.mark.django_db


def _record(organisation: Organisation, author: User, code: str = "P", conditions: str = "") -> IntelRecord:
    return services.intel_record_create(
        actor=author,
        organisation=organisation,
        title="Van driver at Mae Sot",
        text="Informant K. saw the van at 02:00.",
        sanitised_text="A van was seen at night.",
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code=code,
        handling_conditions=conditions,
    )


def test_record_is_graded_and_audited(org_a: Organisation, officer_a: User) -> None:
    created = _record(org_a, officer_a)
    assert created.grading == "1BP"
    event = AuditEvent.objects.get(action="intel.create")
    assert (event.object_id, event.details) == (str(created.pk), {"grading": "1BP"})


def test_handling_code_c_needs_conditions(org_a: Organisation, officer_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        _record(org_a, officer_a, code="C")
    assert error.value.message_dict == {
        "handling_conditions": ["Handling code C needs its conditions written down."]
    }
    assert IntelRecord.objects.count() == 0


def test_record_without_permission_is_refused(org_a: Organisation, partner: User) -> None:
    with pytest.raises(policy.Denied):
        _record(org_a, partner)


def test_release_follows_the_agreement_and_handling_code(
    org_a: Organisation, org_b: Organisation, police: Organisation, officer_a: User, agreement_p: Any
) -> None:
    p_record = _record(org_a, officer_a)
    c_record = _record(org_a, officer_a, code="C", conditions="Only for the named operation")
    services.intel_record_release(actor=officer_a, record=p_record, organisation=police)
    with pytest.raises(ValidationError) as refused_c:
        services.intel_record_release(actor=officer_a, record=c_record, organisation=police)
    assert refused_c.value.messages == [
        "No sharing agreement permits intelligence with handling code C to Partner Police."
    ]
    with pytest.raises(ValidationError):
        services.intel_record_release(actor=officer_a, record=p_record, organisation=org_b)  # no agreement
    assert [(r.record_id, r.organisation_id) for r in p_record.releases.all()] == [(p_record.pk, police.pk)]
    assert list(c_record.releases.all()) == []
    event = AuditEvent.objects.get(action="intel.release")
    assert event.details == {"to_organisation": police.pk, "handling_code": "P"}


def test_release_of_c_needs_the_c_flag(org_a: Organisation, police: Organisation, officer_a: User) -> None:
    sharing_agreement_set(
        actor=None, provider=org_a, recipient=police, intelligence_c=True, valid_from=dt.date(2020, 1, 1)
    )
    c_record = _record(org_a, officer_a, code="C", conditions="Only for the named operation")
    services.intel_record_release(actor=officer_a, record=c_record, organisation=police)
    assert c_record.releases.count() == 1


def test_expired_agreement_permits_nothing(
    org_a: Organisation, police: Organisation, officer_a: User
) -> None:
    sharing_agreement_set(
        actor=None,
        provider=org_a,
        recipient=police,
        intelligence_p=True,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.intel_record_release(actor=officer_a, record=_record(org_a, officer_a), organisation=police)


def test_recipient_reads_only_the_sanitised_text_and_every_read_is_audited(
    org_a: Organisation,
    police: Organisation,
    officer_a: User,
    officer_b: User,
    partner: User,
    agreement_p: Any,
) -> None:
    created = _record(org_a, officer_a)
    assert selectors.intel_record_read(user=officer_a, record_id=created.pk).text == (
        "Informant K. saw the van at 02:00."
    )
    with pytest.raises(IntelRecord.DoesNotExist):
        selectors.intel_record_read(user=partner, record_id=created.pk)  # not yet released
    services.intel_record_release(actor=officer_a, record=created, organisation=police)
    seen = selectors.intel_record_read(user=partner, record_id=created.pk)
    assert (seen.original, seen.text) == (False, "A van was seen at night.")
    assert [r.organisation_id for r in seen.releases] == [police.pk]
    with pytest.raises(IntelRecord.DoesNotExist):
        selectors.intel_record_read(user=officer_b, record_id=created.pk)
    reads = AuditEvent.objects.filter(action="intel.read").order_by("sequence")
    assert [(e.actor_id, e.details["version"]) for e in reads] == [
        (officer_a.pk, "original"),
        (partner.pk, "sanitised"),
    ]
    assert [r.pk for r in selectors.intel_record_list(user=partner)] == [created.pk]
    assert list(selectors.intel_record_list(user=officer_b)) == []


def test_entity_is_visible_only_through_visible_provenance(
    org_a: Organisation,
    org_b: Organisation,
    police: Organisation,
    officer_a: User,
    officer_b: User,
    partner: User,
    agreement_p: Any,
) -> None:
    person = entity(org_b, label="Nguyễn Văn An", external_key="W1")
    assert [e.pk for e in selectors.entity_list(user=officer_b)] == [person.pk]
    assert list(selectors.entity_list(user=officer_a)) == []
    assert list(selectors.entity_list(user=partner)) == []
    # Org A records intelligence about the same person (same key) and releases it to the police.
    created = _record(org_a, officer_a)
    same = services.entity_upsert(
        actor=officer_a, kind="person", label="Nguyễn Văn An", record=created, external_key="W1"
    )
    assert same.pk == person.pk
    assert [e.pk for e in selectors.entity_list(user=officer_a)] == [person.pk]
    assert list(selectors.entity_list(user=partner)) == []
    services.intel_record_release(actor=officer_a, record=created, organisation=police)
    assert [e.pk for e in selectors.entity_list(user=partner)] == [person.pk]
    # The police see the record as support, never org B's report.
    assert [(s.kind, s.object_id) for s in selectors.supporting_records(user=partner, entity=person)] == [
        ("record", created.pk)
    ]


def test_phone_entities_match_by_blind_index(org_a: Organisation) -> None:
    first = services.entity_upsert(
        actor=None, kind="phone", label="+66 81 234 5678", phone="+66812345678", report=report(org_a)
    )
    second = services.entity_upsert(
        actor=None, kind="phone", label="+66 81 234 5678", phone="+66 81 234 5678", report=report(org_a)
    )
    assert first.pk == second.pk
    assert first.provenance.count() == 2
    assert "812345678" not in first.phone_index


def test_relation_needs_both_ends_visible(
    org_a: Organisation, org_b: Organisation, officer_a: User, officer_b: User
) -> None:
    ours = entity(org_a, label="Recruiter")
    theirs = entity(org_b, label="Victim", external_key="world:victim")
    link = services.relation_add(
        actor=None,
        source=ours,
        target=theirs,
        relation_type="recruited",
        report=report(org_a),
        seen_on=dt.date(2026, 2, 1),
    )
    # Org A holds the link's report but cannot see org B's entity: the link would reveal it, so it is hidden.
    assert list(selectors.relation_list(user=officer_a)) == []
    assert list(selectors.relation_list(user=officer_b)) == []  # B sees the victim, not the recruiter
    services.entity_upsert(
        actor=None, kind="person", label="Victim", report=report(org_a), external_key="world:victim"
    )
    assert [r.pk for r in selectors.relation_list(user=officer_a)] == [link.pk]
    assert (link.first_seen, link.last_seen) == (dt.date(2026, 2, 1), dt.date(2026, 2, 1))


def test_relation_add_widens_the_seen_dates(org_a: Organisation) -> None:
    a, b = entity(org_a, "A"), entity(org_a, "B")
    services.relation_add(
        actor=None,
        source=a,
        target=b,
        relation_type="paid",
        report=report(org_a),
        seen_on=dt.date(2026, 2, 1),
        confidence=0.4,
    )
    services.relation_add(
        actor=None,
        source=a,
        target=b,
        relation_type="paid",
        report=report(org_a),
        seen_on=dt.date(2026, 1, 1),
        confidence=0.7,
    )
    link = Relation.objects.get()
    assert (link.first_seen, link.last_seen, link.confidence) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        0.7,
    )
    assert link.provenance.count() == 2
    with pytest.raises(ValidationError):
        services.relation_add(
            actor=None, source=a, target=b, relation_type="paid", report=report(org_a), confidence=1.5
        )


def test_ego_chart_sends_only_visible_nodes(
    org_a: Organisation, org_b: Organisation, officer_a: User
) -> None:
    centre, friend, hidden = (
        entity(org_a, "Centre"),
        entity(org_a, "Friend"),
        entity(org_b, "LEAK-MARKER hidden"),
    )
    services.relation_add(
        actor=None, source=centre, target=friend, relation_type="works_for", report=report(org_a)
    )
    services.relation_add(
        actor=None, source=friend, target=hidden, relation_type="recruited", report=report(org_b)
    )
    chart = selectors.ego_chart(user=officer_a, entity_id=centre.pk, hops=2)
    assert sorted(n["data"]["label"] for n in chart["nodes"]) == ["Centre", "Friend"]
    assert [(e["data"]["source"], e["data"]["target"], e["data"]["type"]) for e in chart["edges"]] == [
        (f"e{centre.pk}", f"e{friend.pk}", "works_for")
    ]
    assert "LEAK-MARKER" not in str(chart)
    with pytest.raises(Entity.DoesNotExist):
        selectors.ego_chart(user=officer_a, entity_id=hidden.pk)


def test_ego_chart_filters_by_type_date_and_confidence(org_a: Organisation, officer_a: User) -> None:
    a, b, c = entity(org_a, "A"), entity(org_a, "B"), entity(org_a, "C")
    services.relation_add(
        actor=None,
        source=a,
        target=b,
        relation_type="paid",
        report=report(org_a),
        confidence=0.3,
        seen_on=dt.date(2025, 1, 1),
    )
    services.relation_add(
        actor=None,
        source=a,
        target=c,
        relation_type="recruited",
        report=report(org_a),
        confidence=0.9,
        seen_on=dt.date(2026, 1, 1),
    )

    def labels(filters: selectors.ChartFilters) -> list[str]:
        chart = selectors.ego_chart(user=officer_a, entity_id=a.pk, filters=filters)
        return sorted(n["data"]["label"] for n in chart["nodes"])

    assert labels(selectors.ChartFilters()) == ["A", "B", "C"]
    assert labels(selectors.ChartFilters(relation_types=frozenset({"paid"}))) == ["A", "B"]
    assert labels(selectors.ChartFilters(since=dt.date(2025, 6, 1))) == ["A", "C"]
    assert labels(selectors.ChartFilters(min_confidence=0.5)) == ["A", "C"]


def test_one_deduplicated_alert_per_cause_and_only_for_what_the_watcher_may_see(
    org_a: Organisation, org_b: Organisation, officer_a: User
) -> None:
    person = entity(org_a, "Watched", external_key="k1")
    watch = services.watch_create(actor=officer_a, entity=person)
    network_watch = services.watch_create(actor=officer_a, entity=person, kind="network")
    new_report = report(org_a)
    services.entity_upsert(actor=None, kind="person", label="Watched", external_key="k1", report=new_report)
    services.entity_upsert(actor=None, kind="person", label="Watched", external_key="k1", report=new_report)
    assert [(a.watch_id, a.reason, a.reason_key) for a in Alert.objects.order_by("watch_id")] == [
        (watch.pk, "report", f"report:{new_report.pk}"),
        (network_watch.pk, "report", f"report:{new_report.pk}"),
    ]
    # A report held by another organisation is not the watcher's to know about: no alert.
    services.entity_upsert(
        actor=None, kind="person", label="Watched", external_key="k1", report=report(org_b)
    )
    assert Alert.objects.count() == 2
    # A new member joining the network alerts the network watch, not the entity watch.
    newcomer = entity(org_a, "Newcomer")
    services.relation_add(
        actor=None, source=newcomer, target=person, relation_type="works_for", report=report(org_a)
    )
    assert Alert.objects.filter(reason="relation").count() == 2
    other = entity(org_a, "Far away")
    far = entity(org_a, "Further")
    services.relation_add(actor=None, source=other, target=far, relation_type="paid", report=report(org_a))
    assert Alert.objects.count() == 4
    assert [a.pk for a in selectors.alert_list(user=officer_a)] == list(
        Alert.objects.order_by("-raised_at", "-id").values_list("pk", flat=True)
    )


def test_agency_status_is_a_public_register_lookup(db: Any) -> None:
    Agency.objects.create(
        name="Golden Lotus Recruitment",
        name_key="golden lotus recruitment",
        licence_status="licensed",
        licence_number="DOE-1703/3996",
    )
    Agency.objects.create(
        name="Fast Jobs Abroad",
        name_key="fast jobs abroad",
        licence_status="revoked",
        licence_number="KEP.1/1",
    )
    Agency.objects.create(name="No Papers Ltd", name_key="no papers ltd", licence_status="unlicensed")
    assert selectors.agency_status("Golden  Lotus recruitment", "DOE-1703/3996") == "licensed"
    assert selectors.agency_status("Golden Lotus Recruitment") == "licensed"
    assert selectors.agency_status("Golden Lotus Recruitment", "DOE-9999/0000") == "warning"
    assert selectors.agency_status("Someone Else", "DOE-1703/3996") == "warning"
    assert selectors.agency_status("Fast Jobs Abroad") == "warning"
    assert selectors.agency_status("No Papers Ltd") == "warning"
    assert selectors.agency_status("Never Heard Of") == "unknown"
    assert selectors.agency_status("") == "unknown"


def test_agency_register_import(tmp_path: Any) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(
        "agency_id,name,country,licence_status,licence_number,network_id\n"
        "A1,Golden Lotus,TH,licensed,DOE-1,\nA2,Shady Co,MM,unlicensed,,N1\nA3,Odd,TH,weird,,\n",
        encoding="utf-8",
    )
    from django.db import transaction

    with transaction.atomic():
        assert services.agency_register_import(actor=None, path=path, source="test register") == 3
    assert list(Agency.objects.order_by("external_key").values_list("external_key", "licence_status")) == [
        ("A1", "licensed"),
        ("A2", "unlicensed"),
        ("A3", "unknown"),
    ]
