"""Mentions resolved into entities: auto, pending and new links, exact kinds, merge, split, audit, alerts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.governance.models import AuditEvent
from tiaki.intelligence.models import Alert, Entity, Provenance, Relation, Watch
from tiaki.intelligence.services import phone_key
from tiaki.resolution import selectors, services
from tiaki.resolution.linkage import MODEL_VERSION, match_new_mentions
from tiaki.resolution.models import EntityLink, LinkDecision, MatchKey, Mention

from ..intelligence.factories import report
from .review_factories import mention

pytestmark = pytest.mark.django_db


def _resolve(*mentions: Mention) -> list[EntityLink]:
    return services.mentions_resolve(mentions=list(mentions))


def _model(known: Mention, new: Mention) -> tuple[float, list[str]]:
    """What the saved model itself says of the pair (the probability is stored rounded to 6 places)."""
    [row] = match_new_mentions(
        services._frame([known]), services._frame([new]), threshold=0, term_frequencies=False
    ).itertuples()
    return round(float(row.match_probability), 6), [
        r.strip() for r in str(row.reasons).split(",") if r.strip()
    ]


@pytest.fixture
def known(org_a: Organisation) -> EntityLink:
    first = mention(org_a, "Tran Van Hung", dob="1980-02-03", phone="+84987654321", nationality="VN")
    [link] = _resolve(first)
    return link


def test_a_first_mention_founds_a_new_entity_with_provenance(known: EntityLink) -> None:
    assert (known.decision, known.probability, known.candidate) == (LinkDecision.NEW, 0.0, None)
    entity = known.entity
    assert (entity.kind, entity.label) == ("person", "Tran Van Hung")
    assert entity.attributes == {"name": "Tran Van Hung", "dob": "1980-02-03", "nationality": "VN"}
    assert (entity.phone_index, entity.document_index) == (phone_key("+84987654321"), "")
    [support] = Provenance.objects.filter(entity=entity)
    assert (support.report_id, support.organisation_id) == (
        known.mention.report_id,
        known.mention.organisation_id,
    )
    assert set(MatchKey.objects.filter(mention=known.mention).values_list("purpose", flat=True)) == {
        "name_token",
        "phone",
    }
    assert MatchKey.objects.filter(mention=known.mention, purpose="name_token").count() == 3


def test_mentions_are_encrypted_and_their_keys_blind(known: EntityLink) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value, attributes FROM resolution_mention WHERE id = %s", [known.mention_id])
        value, attributes = cursor.fetchone()
        cursor.execute("SELECT digest FROM resolution_matchkey WHERE mention_id = %s", [known.mention_id])
        digests = [row[0] for row in cursor.fetchall()]
    assert "Tran" not in value and "1980" not in str(attributes) and "84987654321" not in str(attributes)
    assert all(len(d) == 64 and "tran" not in d for d in digests)


def test_the_same_person_in_another_script_links_automatically(
    known: EntityLink, org_a: Organisation
) -> None:
    new = mention(org_a, "Trần Văn Hùng", dob="1980-02-03", phone="0987 654 321", nationality="VN")
    [link] = _resolve(new)
    probability, reasons = _model(known.mention, new)
    assert (link.decision, link.entity_id, link.probability, link.reasons) == (
        LinkDecision.AUTO,
        known.entity_id,
        probability,
        reasons,
    )
    assert probability >= services.AUTO_THRESHOLD and "phone exact" in reasons
    assert link.model_version == MODEL_VERSION
    assert Provenance.objects.filter(entity=known.entity).count() == 2


def test_an_uncertain_match_gets_its_own_entity_and_waits_for_review(
    known: EntityLink, org_a: Organisation
) -> None:
    new = mention(org_a, "HUNG TRAN VAN", nationality="VN")
    [link] = _resolve(new)
    probability, reasons = _model(known.mention, new)
    assert (link.decision, link.candidate_id, link.probability, link.reasons) == (
        LinkDecision.PENDING,
        known.entity_id,
        probability,
        reasons,
    )
    assert services.REVIEW_FLOOR <= probability < services.AUTO_THRESHOLD
    assert link.entity_id != known.entity_id
    assert Entity.objects.filter(kind="person").count() == 2


def test_no_match_is_a_new_entity(known: EntityLink, org_a: Organisation) -> None:
    [link] = _resolve(mention(org_a, "Wichai Boonmee", nationality="TH"))
    assert (link.decision, link.probability, link.candidate_id) == (LinkDecision.NEW, 0.0, None)
    assert link.entity_id != known.entity_id


def test_phones_documents_and_agencies_resolve_exactly_and_roles_give_relations(org_a: Organisation) -> None:
    first = services.mentions_add(
        actor=None,
        report=report(org_a),
        mentions=[
            {"kind": "person", "role": "suspect", "name": "Somchai Jaidee"},
            {"kind": "person", "role": "victim", "name": "Malee Boonmee"},
            {"kind": "phone", "role": "suspect", "value": "+66 81 234 5678"},
            {"kind": "agency", "role": "other", "name": "Golden Bridge Manpower"},
        ],
        resolve=False,
    )
    links = _resolve(*first)
    assert [link.decision for link in links] == ["new", "new", "new", "new"]
    suspect, victim, _phone, agency = (link.entity for link in links)
    relations = {(r.source_id, r.target_id, r.relation_type, r.confidence) for r in Relation.objects.all()}
    assert relations == {
        (suspect.pk, victim.pk, "recruited", 0.5),
        (suspect.pk, agency.pk, "works_for", 0.5),
        (victim.pk, agency.pk, "recruited_through", 0.5),
    }
    again = services.mentions_add(
        actor=None,
        report=report(org_a),
        mentions=[
            {"kind": "phone", "value": "+66812345678"},
            {"kind": "agency", "name": "golden  bridge manpower"},
            {"kind": "document", "role": "victim", "value": "b 123-456"},
        ],
        resolve=False,
    )
    phone_link, agency_link, document_link = _resolve(*again)
    assert (phone_link.decision, phone_link.entity_id, phone_link.reasons) == (
        "auto",
        links[2].entity_id,
        ["phone: exact"],
    )
    assert (agency_link.decision, agency_link.entity_id) == ("auto", agency.pk)
    assert (document_link.decision, document_link.entity.label) == ("new", "b 123-456")


def test_every_write_is_audited(known: EntityLink, org_a: Organisation) -> None:
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-4:] == ["mention.add", "entity.create", "entity.support", "entity_link.create"]


def _pending(known: EntityLink, org_a: Organisation) -> EntityLink:
    [link] = _resolve(mention(org_a, "HUNG TRAN VAN", nationality="VN", role="victim"))
    assert link.decision == LinkDecision.PENDING
    return link


def test_confirm_merges_links_provenance_relations_and_watches(
    known: EntityLink, org_a: Organisation, make_user: Any
) -> None:
    analyst = make_user(org_a, Role.ANALYST)
    link = _pending(known, org_a)
    doomed = link.entity
    # Something else was said about the doomed entity: a relation, supported by its report, and a watch.
    other = services.mentions_add(
        actor=None,
        report=link.mention.report,
        mentions=[{"name": "Wichai Boonmee", "role": "suspect"}],
        resolve=False,
    )
    [other_link] = _resolve(*other)
    assert Relation.objects.filter(
        source=other_link.entity, target=doomed, relation_type="recruited"
    ).exists()
    Watch.objects.create(user=analyst, entity=doomed)
    services.entity_link_confirm(actor=analyst, link=link)
    link.refresh_from_db()
    assert (link.decision, link.entity_id, link.decided_by) == (
        LinkDecision.CONFIRMED,
        known.entity_id,
        analyst,
    )
    assert not Entity.objects.filter(pk=doomed.pk).exists()
    assert set(EntityLink.objects.filter(entity=known.entity).values_list("mention_id", flat=True)) == {
        known.mention_id,
        link.mention_id,
    }
    assert set(Provenance.objects.filter(entity=known.entity).values_list("report_id", flat=True)) == {
        known.mention.report_id,
        link.mention.report_id,
    }
    [relation] = Relation.objects.filter(relation_type="recruited")
    assert (relation.source_id, relation.target_id) == (other_link.entity_id, known.entity_id)
    assert Watch.objects.get(user=analyst).entity_id == known.entity_id
    actions = list(AuditEvent.objects.order_by("-sequence").values_list("action", flat=True)[:2])
    assert actions == ["entity_link.confirm", "entity.merge"]
    merge = AuditEvent.objects.get(action="entity.merge")
    assert merge.details == {"from": doomed.pk, "into": known.entity_id}


def test_a_rejected_pair_stays_apart_and_is_not_proposed_again(
    known: EntityLink, org_a: Organisation, make_user: Any
) -> None:
    analyst = make_user(org_a, Role.ANALYST)
    link = _pending(known, org_a)
    services.entity_link_reject(actor=analyst, link=link)
    link.refresh_from_db()
    assert (link.decision, link.candidate_id, link.decided_by) == (
        LinkDecision.REJECTED,
        known.entity_id,
        analyst,
    )
    assert _resolve(link.mention) == []
    assert list(selectors.review_queue(user=analyst)) == []
    assert AuditEvent.objects.filter(action="entity_link.reject").count() == 1


def test_split_moves_one_mention_with_its_support_into_a_new_entity(
    known: EntityLink, org_a: Organisation, make_user: Any
) -> None:
    analyst = make_user(org_a, Role.ANALYST)
    second = mention(
        org_a, "Trần Văn Hùng", dob="1980-02-03", phone="0987 654 321", nationality="VN", role="victim"
    )
    suspect = services.mentions_add(
        actor=None,
        report=second.report,
        mentions=[{"name": "Wichai Boonmee", "role": "suspect"}],
        resolve=False,
    )
    [moved, suspect_link] = _resolve(second, *suspect)
    assert (moved.decision, moved.entity_id) == (LinkDecision.AUTO, known.entity_id)
    new = services.mention_split(actor=analyst, mention=second)
    moved.refresh_from_db()
    assert (moved.entity_id, moved.decision, moved.candidate_id) == (
        new.pk,
        LinkDecision.REJECTED,
        known.entity_id,
    )
    assert list(Provenance.objects.filter(entity=known.entity).values_list("report_id", flat=True)) == [
        known.mention.report_id
    ]
    assert list(Provenance.objects.filter(entity=new).values_list("report_id", flat=True)) == [
        second.report_id
    ]
    [relation] = Relation.objects.all()
    assert (relation.source_id, relation.target_id) == (suspect_link.entity_id, new.pk)
    event = AuditEvent.objects.get(action="entity.split")
    assert event.details == {"from": known.entity_id, "mention": second.pk}


def test_a_new_report_naming_a_watched_person_raises_an_alert(
    known: EntityLink, org_a: Organisation, make_user: Any
) -> None:
    analyst = make_user(org_a, Role.ANALYST)
    watch = Watch.objects.create(user=analyst, entity=known.entity)
    [link] = _resolve(mention(org_a, "Trần Văn Hùng", dob="1980-02-03", nationality="VN"))
    assert link.decision == LinkDecision.AUTO
    [alert] = Alert.objects.all()
    assert (alert.watch_id, alert.reason, alert.reason_key) == (
        watch.pk,
        "report",
        f"report:{link.mention.report_id}",
    )


def test_a_partner_cannot_see_another_organisations_mentions(
    known: EntityLink, org_a: Organisation, org_b: Organisation, make_user: Any
) -> None:
    _pending(known, org_a)
    theirs = make_user(org_b, Role.ANALYST)
    ours = make_user(org_a, Role.ANALYST)
    assert list(selectors.mention_list(user=theirs)) == []
    assert list(selectors.review_queue(user=theirs)) == []
    assert selectors.mention_list(user=ours).count() == 2
    [link] = selectors.review_queue(user=ours)
    assert link.mention.value == "HUNG TRAN VAN" and link.candidate_id == known.entity_id


def test_bad_mentions_write_nothing(org_a: Organisation) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.mentions_add(
            actor=None, report=report(org_a), mentions=[{"name": "Fine"}, {"kind": "spaceship", "name": "x"}]
        )
    with pytest.raises(ValidationError):
        services.mentions_add(actor=None, report=report(org_a), mentions=[{"kind": "person", "name": " "}])
    assert Mention.objects.count() == 0


def test_two_people_with_one_phone_number_share_it(known: EntityLink, org_a: Organisation) -> None:
    [link] = _resolve(mention(org_a, "Wichai Boonmee", phone="+84 987 654 321", nationality="TH"))
    assert link.decision == LinkDecision.NEW
    [relation] = Relation.objects.all()
    assert (relation.source_id, relation.target_id, relation.relation_type, relation.confidence) == (
        link.entity_id,
        known.entity_id,
        "shares_phone_with",
        1.0,
    )
    assert relation.provenance.get().report_id == link.mention.report_id
