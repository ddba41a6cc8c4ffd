"""What of a case a user may see: the parts (identity, exploitation, events, needs, return) and why.

The owner organisation sees every part; an organisation that accepted a referral sees the parts that were
referred; a shelter sees its residents' needs (and identity with the survivor's consent to share with it).
Identity additionally needs CASE_VIEW_IDENTITY and, in the owner organisation, being on the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiaki.accounts.permissions import ROLE_PERMISSIONS, Permission, Role
from tiaki.cases.models import SHAREABLE_PARTS, Case, Consent, ConsentPurpose, ReferralStatus
from tiaki.governance import policy


@dataclass(frozen=True)
class CaseAccess:
    parts: frozenset[str]
    owner: bool  # the user acts for the owner organisation
    can_edit: bool

    @property
    def identity(self) -> bool:
        return "identity" in self.parts


def _sharing_consented(case: Case, organisation_ids: set[int]) -> bool:
    return Consent.objects.filter(
        case=case,
        purpose=ConsentPurpose.SHARING,
        organisation__in=organisation_ids,
        withdrawn_at__isnull=True,
    ).exists()


def case_access(user: Any, case: Case) -> CaseAccess:
    view_orgs = set(policy.organisations_with(user, Permission.CASE_VIEW))
    identity_orgs = set(policy.organisations_with(user, Permission.CASE_VIEW_IDENTITY))
    edit_orgs = set(policy.organisations_with(user, Permission.CASE_EDIT))
    shelter_orgs = {g.organisation_id for g in policy.grants(user) if g.role == Role.SHELTER_STAFF}
    # Case work (as opposed to shelter work) is any other role that may view cases, even in an
    # organisation where the same person also works in the shelter.
    casework_orgs = {
        g.organisation_id
        for g in policy.grants(user)
        if g.role != Role.SHELTER_STAFF
        and g.organisation_id in view_orgs
        and Permission.CASE_VIEW in ROLE_PERMISSIONS[g.role]
    }
    parts: set[str] = set()
    owner = case.organisation_id in casework_orgs
    if owner:
        parts |= set(SHAREABLE_PARTS) - {"identity"}
        on_case = case.owner_id == user.pk or case.assigned.filter(pk=user.pk).exists()
        supervisor = policy.has(user, Permission.CASE_APPROVE, case.organisation_id)
        if case.organisation_id in identity_orgs and (on_case or supervisor):
            parts.add("identity")
    receiving = casework_orgs
    for referral in case.referrals.filter(to_organisation__in=receiving, status=ReferralStatus.ACCEPTED):
        shared = set(referral.shared_parts)
        # Consent can be withdrawn after the referral: identity then stops crossing at once.
        if "identity" in shared and not (
            referral.consent_override_reason or _sharing_consented(case, {referral.to_organisation_id})
        ):
            shared.discard("identity")
        if referral.to_organisation_id not in identity_orgs:
            shared.discard("identity")
        parts |= shared
    resident_at = set(
        case.placements.filter(shelter__organisation__in=shelter_orgs, ended_on__isnull=True).values_list(
            "shelter__organisation_id", flat=True
        )
    )
    if resident_at:
        parts.add("needs")
        if resident_at & identity_orgs and _sharing_consented(case, resident_at):
            parts.add("identity")
    accepted_orgs = set(
        case.referrals.filter(status=ReferralStatus.ACCEPTED).values_list("to_organisation_id", flat=True)
    )
    can_edit = bool(edit_orgs & ({case.organisation_id} | accepted_orgs))
    return CaseAccess(parts=frozenset(parts), owner=owner, can_edit=can_edit)
