"""Case work rules: who sees which part of a case, consent, overrides, referrals, return and follow-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from tiaki.cases import selectors, services
from tiaki.cases.access import case_access
from tiaki.cases.models import Case, FollowUp, ReferralStatus, ReturnStepKind
from tiaki.governance import policy
from tiaki.governance.models import AuditEvent

from .conftest import Partnership

pytestmark = pytest.mark.django_db


def _visible(user: object) -> list[int]:
    return list(selectors.case_list(user=user).values_list("pk", flat=True))


def test_the_opener_sees_identity_a_colleague_does_not(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    assert case_access(partnership.liaison, case).parts == {
        "identity",
        "exploitation",
        "events",
        "needs",
        "return",
    }
    assert case_access(partnership.liaison_colleague, case).parts == {
        "exploitation",
        "events",
        "needs",
        "return",
    }
    assert selectors.case_read(user=partnership.liaison_colleague, case_id=case.pk).identity == {}
    view = selectors.case_read(user=partnership.liaison, case_id=case.pk)
    assert view.identity == {"first_name": "Thảo", "second_name": "Nguyễn Thị", "birthdate": "2001-04-09"}
    reads = AuditEvent.objects.filter(action="case.identity.read", object_id=str(case.pk))
    assert list(reads.values_list("actor_label", flat=True)) == ["liaison"]


def test_other_organisations_do_not_know_the_case_exists(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    assert _visible(partnership.liaison) == [case.pk]
    assert _visible(partnership.caseworker) == []
    assert _visible(partnership.shelter_staff) == []
    with pytest.raises(policy.Denied, match=r"missing permission: case\.view"):
        selectors.case_list(user=partnership.police_officer)


def test_identity_does_not_cross_without_consent(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    with pytest.raises(ValidationError, match="has not consented"):
        services.referral_send(
            actor=partnership.liaison,
            case=case,
            to_organisation=partnership.ngo,
            reason="AdditionalServicesRequired",
            shared_parts=["identity", "needs"],
        )
    assert case.referrals.count() == 0


def test_an_override_needs_the_permission_and_is_audited(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    with pytest.raises(policy.Denied, match=r"missing permission: consent\.override"):
        services.referral_send(
            actor=partnership.liaison,
            case=case,
            to_organisation=partnership.ngo,
            reason="Other",
            shared_parts=["identity"],
            consent_override_reason="urgent",
        )
    ngo_case = open_case(actor=partnership.supervisor, organisation=partnership.ngo)
    referral = services.referral_send(
        actor=partnership.supervisor,
        case=ngo_case,
        to_organisation=partnership.post,
        reason="Other",
        shared_parts=["identity"],
        consent_override_reason="Life at risk; survivor unreachable",
    )
    assert referral.consent_override_reason == "Life at risk; survivor unreachable"
    override = AuditEvent.objects.get(action="consent.override")
    assert (override.object_id, override.details) == (
        str(ngo_case.pk),
        {"referral": referral.pk, "to": partnership.post.pk},
    )


def test_consented_referral_shares_exactly_the_referred_parts(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    services.consent_record(
        actor=partnership.liaison, case=case, purpose="sharing", organisation=partnership.ngo
    )
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.ngo,
        reason="MigrationOrChangeOfLocation",
        shared_parts=["identity", "return"],
    )
    # Pending: the NGO sees the referral (and identity, to decide) but not the case itself.
    assert _visible(partnership.caseworker) == []
    _referral, identity = selectors.referral_read(user=partnership.caseworker, referral_id=referral.pk)
    assert identity["first_name"] == "Thảo"
    services.referral_respond(actor=partnership.caseworker, referral=referral, accept=True)
    assert _visible(partnership.caseworker) == [case.pk]
    assert case_access(partnership.caseworker, case).parts == {"identity", "return"}
    assert case_access(partnership.supervisor, case).parts == {"identity", "return"}


def test_withdrawn_consent_stops_identity_crossing_at_once(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    consent = services.consent_record(
        actor=partnership.liaison, case=case, purpose="sharing", organisation=partnership.ngo
    )
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.ngo,
        reason="Other",
        shared_parts=["identity", "needs"],
    )
    services.referral_respond(actor=partnership.caseworker, referral=referral, accept=True)
    services.consent_withdraw(actor=partnership.liaison, consent=consent)
    assert case_access(partnership.caseworker, case).parts == {"needs"}


def test_no_referral_without_a_sharing_agreement(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    with pytest.raises(ValidationError, match="No sharing agreement"):
        services.referral_send(
            actor=partnership.liaison,
            case=case,
            to_organisation=partnership.police,
            reason="Other",
            shared_parts=["needs"],
        )


def test_a_childs_case_waits_for_the_best_interests_approval(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case(actor=partnership.caseworker, organisation=partnership.ngo, is_child=True)
    with pytest.raises(ValidationError, match="best-interests"):
        services.referral_send(
            actor=partnership.caseworker,
            case=case,
            to_organisation=partnership.shelter_org,
            reason="Other",
            shared_parts=["needs"],
        )
    with pytest.raises(policy.Denied, match=r"case\.approve"):
        services.best_interests_approve(actor=partnership.caseworker, case=case)
    services.best_interests_approve(actor=partnership.supervisor, case=case)
    referral = services.referral_send(
        actor=partnership.caseworker,
        case=case,
        to_organisation=partnership.shelter_org,
        reason="Other",
        shared_parts=["needs"],
    )
    assert referral.status == ReferralStatus.PENDING


def test_shelter_sees_residents_only_and_their_identity_only_with_consent(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    shelter = services.shelter_create(
        actor=partnership.shelter_staff,
        organisation=partnership.shelter_org,
        name="Moei school",
        country="TH",
        capacity=1,
        languages=["en", "ksw", "th"],
    )
    case = open_case()
    other = open_case()
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.shelter_org,
        reason="AdditionalServicesRequired",
        shared_parts=["needs"],
    )
    services.referral_respond(actor=partnership.shelter_staff, referral=referral, accept=True)
    with pytest.raises(ValidationError, match="not been referred"):
        services.placement_start(
            actor=partnership.shelter_staff, case=other, shelter=shelter, started_on=dt.date(2026, 3, 1)
        )
    placement = services.placement_start(
        actor=partnership.shelter_staff, case=case, shelter=shelter, started_on=dt.date(2026, 3, 1)
    )
    assert _visible(partnership.shelter_staff) == [case.pk]
    assert case_access(partnership.shelter_staff, case).parts == {"needs"}
    services.consent_record(
        actor=partnership.liaison, case=case, purpose="sharing", organisation=partnership.shelter_org
    )
    assert case_access(partnership.shelter_staff, case).parts == {"needs", "identity"}
    assert selectors.shelter_list(user=partnership.shelter_staff).get().occupied == 1
    services.placement_end(actor=partnership.shelter_staff, placement=placement, ended_on=dt.date(2026, 4, 1))
    assert _visible(partnership.shelter_staff) == []


def test_reception_starts_follow_ups_at_1_3_6_and_12_months(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    case = open_case()
    with pytest.raises(ValidationError, match="consent to a safe return"):
        services.return_plan_create(
            actor=partnership.liaison,
            case=case,
            from_country="TH",
            to_country="VN",
            receiving_organisation=partnership.ngo,
        )
    services.consent_record(actor=partnership.liaison, case=case, purpose="safe_return")
    plan = services.return_plan_create(
        actor=partnership.liaison,
        case=case,
        from_country="TH",
        to_country="VN",
        receiving_organisation=partnership.ngo,
        start=dt.date(2026, 1, 1),
    )
    assert [(s.kind, s.due_on) for s in plan.steps.all()] == [
        ("travel_documents", dt.date(2026, 1, 15)),
        ("family_assessment", dt.date(2026, 1, 22)),
        ("escort", dt.date(2026, 2, 5)),
        ("reception", dt.date(2026, 2, 6)),
        ("reintegration", dt.date(2026, 3, 2)),
    ]
    services.return_step_complete(
        actor=partnership.liaison,
        step=plan.steps.get(kind=ReturnStepKind.RECEPTION),
        done_on=dt.date(2026, 1, 31),
    )
    assert list(FollowUp.objects.filter(case=case).values_list("months_after", "due_on", "organisation")) == [
        (1, dt.date(2026, 2, 28), partnership.ngo.pk),
        (3, dt.date(2026, 4, 30), partnership.ngo.pk),
        (6, dt.date(2026, 7, 31), partnership.ngo.pk),
        (12, dt.date(2027, 1, 31), partnership.ngo.pk),
    ]
    # The receiving NGO is responsible for follow-ups and sees them as due, without seeing the case itself.
    assert [f.months_after for f in selectors.follow_ups_due(user=partnership.caseworker)] == [1, 3, 6, 12]


def test_a_transfer_moves_ownership(partnership: Partnership, open_case: Callable[..., Case]) -> None:
    case = open_case()
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.ngo,
        reason="MigrationOrChangeOfLocation",
        shared_parts=["needs"],
        is_transfer=True,
    )
    services.referral_respond(actor=partnership.caseworker, referral=referral, accept=True)
    case.refresh_from_db()
    assert (case.organisation_id, case.owner_id) == (partnership.ngo.pk, partnership.caseworker.pk)
    assert _visible(partnership.liaison) == []
    assert "identity" in case_access(partnership.caseworker, case).parts


def test_every_case_write_is_audited(partnership: Partnership, open_case: Callable[..., Case]) -> None:
    before = AuditEvent.objects.count()
    case = open_case()
    services.note_add(actor=partnership.liaison, case=case, text="Met at the drop-in centre.")
    services.event_add(actor=partnership.liaison, case=case, event_type="Recruitment", country="VN")
    assert list(AuditEvent.objects.filter(sequence__gt=before).values_list("action", flat=True)) == [
        "case.open",
        "case.note_add",
        "case.event_add",
    ]


def test_a_shelter_caseworker_with_both_roles_can_refer_the_shelters_own_case(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    from tiaki.accounts import services as accounts_services
    from tiaki.accounts.permissions import Role

    from ..conftest import verified

    desk = verified(
        accounts_services.user_create(
            actor=None,
            organisation=partnership.shelter_org,
            username="shelter-desk",
            password=None,
            role=Role.CASE_SUPERVISOR,
        )
    )
    accounts_services.membership_grant(
        actor=None, user=desk, organisation=partnership.shelter_org, role=Role.SHELTER_STAFF
    )
    case = open_case(actor=desk, organisation=partnership.shelter_org)
    assert case_access(desk, case).owner
    referral = services.referral_send(
        actor=desk, case=case, to_organisation=partnership.ngo, reason="Other", shared_parts=["needs"]
    )
    assert referral.status == ReferralStatus.PENDING
