"""Policy rules for cases: the owner organisation, organisations that accepted a referral, and shelters
for their current residents. Nobody else learns that a case exists."""

from __future__ import annotations

from django.db.models import Q

from tiaki.accounts.permissions import Role
from tiaki.cases.models import Case, FollowUp, Placement, Referral, ReferralStatus, Shelter
from tiaki.governance import policy


def _shelter_orgs(context: policy.Context) -> set[int]:
    return {g.organisation_id for g in context.grants if g.role == Role.SHELTER_STAFF}


def _casework_orgs(context: policy.Context) -> set[int]:
    return {g.organisation_id for g in context.grants if g.role != Role.SHELTER_STAFF}


def cases_visible(context: policy.Context) -> Q:
    casework = _casework_orgs(context)
    accepted = Referral.objects.filter(to_organisation__in=casework, status=ReferralStatus.ACCEPTED)
    residents = Placement.objects.filter(
        shelter__organisation__in=_shelter_orgs(context), ended_on__isnull=True
    )
    return (
        Q(organisation__in=casework)
        | Q(pk__in=accepted.values("case_id"))
        | Q(pk__in=residents.values("case_id"))
    )


policy.rule(Case)(cases_visible)


@policy.rule(Referral)
def _referrals(context: policy.Context) -> Q:
    # Senders see what they sent; receivers see what was sent to them (pending included: they must decide).
    return Q(from_organisation__in=context.organisation_ids) | Q(to_organisation__in=context.organisation_ids)


policy.rule(Shelter)(policy.owned_by_organisation())


@policy.rule(FollowUp)
def _follow_ups(context: policy.Context) -> Q:
    return Q(organisation__in=context.organisation_ids) | Q(case__organisation__in=context.organisation_ids)
