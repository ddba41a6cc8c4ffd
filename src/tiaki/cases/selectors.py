"""Reads of cases through the policy layer; identity reads are audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tiaki.accounts.permissions import Permission
from tiaki.cases.access import CaseAccess, case_access
from tiaki.cases.models import (
    Attachment,
    Case,
    CaseTask,
    FollowUp,
    Referral,
    ReferralStatus,
    Shelter,
    SupportPlan,
)
from tiaki.cases.vocab import IDENTITY_LABELS, CaseStatus
from tiaki.governance import audit, files, policy


def case_list(*, user: Any, status: str | None = None, child: bool | None = None) -> models.QuerySet[Case]:
    """Cases the user may know of, newest first, with what the list page shows (no identity)."""
    # Lists never show identity: not loading it means not decrypting 25 identities per page either.
    cases = _visible_cases(user).defer("identity", "reason_for_case_closure")
    if status:
        cases = cases.filter(status=status)
    if child is not None:
        cases = cases.filter(is_child=child)
    next_due = FollowUp.objects.filter(case=models.OuterRef("pk"), done_on__isnull=True).order_by("due_on")
    return cases.annotate(next_follow_up=models.Subquery(next_due.values("due_on")[:1]))


def case_counts_by_status(*, user: Any) -> dict[str, int]:
    rows = (
        policy.scoped(user, Permission.CASE_VIEW, Case.objects.all())
        .order_by()
        .values_list("status")
        .annotate(n=models.Count("id"))
    )
    counts = {status.value: 0 for status in CaseStatus}
    counts.update(dict(rows))
    return counts


@dataclass
class CaseView:
    case: Case
    access: CaseAccess
    identity: dict[str, Any] = field(default_factory=dict)

    @property
    def identity_rows(self) -> list[tuple[str, Any]]:
        return identity_rows(self.identity)


def identity_rows(identity: dict[str, Any]) -> list[tuple[str, Any]]:
    """Identity fields with their translated labels, in a stable order."""
    return [(str(IDENTITY_LABELS.get(key, key)), identity[key]) for key in IDENTITY_LABELS if key in identity]


def _visible_cases(user: Any) -> models.QuerySet[Case]:
    return policy.scoped(user, Permission.CASE_VIEW, Case.objects.select_related("organisation"))


def case_get(*, user: Any, case_id: int) -> Case:
    return _visible_cases(user).get(pk=case_id)


def case_read(*, user: Any, case_id: int) -> CaseView:
    """One case as this user may see it. Showing identity is itself recorded in the audit trail."""
    case = case_get(user=user, case_id=case_id)
    access = case_access(user, case)
    view = CaseView(case=case, access=access)
    if access.identity:
        with transaction.atomic():
            audit.record(
                actor=user, action="case.identity.read", target=case, organisation=case.organisation_id
            )
        view.identity = case.identity
    return view


def referral_list(*, user: Any, direction: str = "incoming") -> models.QuerySet[Referral]:
    orgs = policy.organisations_with(
        user, Permission.REFERRAL_RECEIVE if direction == "incoming" else Permission.REFERRAL_SEND
    )
    referrals = policy.scoped(
        user,
        Permission.REFERRAL_RECEIVE if direction == "incoming" else Permission.REFERRAL_SEND,
        Referral.objects.select_related("case", "from_organisation", "to_organisation"),
    )
    field_name = "to_organisation__in" if direction == "incoming" else "from_organisation__in"
    return referrals.filter(**{field_name: orgs})


def referral_get(*, user: Any, referral_id: int) -> Referral:
    """A referral sent to or by one of the user's organisations."""
    for direction in ("incoming", "outgoing"):
        try:
            return referral_list(user=user, direction=direction).get(pk=referral_id)
        except (Referral.DoesNotExist, policy.Denied):
            continue
    raise Referral.DoesNotExist


def referral_read(*, user: Any, referral_id: int) -> tuple[Referral, dict[str, Any]]:
    """A referral with the identity it carries, if any - only for the receiving organisation, audited."""
    referral = referral_get(user=user, referral_id=referral_id)
    identity: dict[str, Any] = {}
    receiving = referral.to_organisation_id in policy.organisations_with(user, Permission.REFERRAL_RECEIVE)
    if (
        receiving
        and "identity" in referral.shared_parts
        and referral.status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
        and policy.has(user, Permission.CASE_VIEW_IDENTITY, referral.to_organisation_id)
    ):
        with transaction.atomic():
            audit.record(
                actor=user,
                action="case.identity.read",
                target=referral.case,
                organisation=referral.to_organisation_id,
                details={"referral": referral.pk},
            )
        identity = referral.case.identity
    return referral, identity


def today() -> dt.date:
    return timezone.localdate()


def follow_ups_due(*, user: Any) -> models.QuerySet[FollowUp]:
    """Follow-ups the user's organisations are responsible for, soonest first."""
    orgs = policy.organisations_with(user, Permission.CASE_EDIT)
    return policy.scoped(user, Permission.CASE_EDIT, FollowUp.objects.select_related("case")).filter(
        organisation__in=orgs
    )


def follow_ups_overdue(*, user: Any) -> models.QuerySet[FollowUp]:
    return follow_ups_due(user=user).filter(done_on__isnull=True, due_on__lt=today())


def cases_awaiting_placement(*, user: Any, shelter: Shelter) -> models.QuerySet[Case]:
    """Cases referred to (and accepted by) the shelter's organisation with no current placement there."""
    policy.require(user, Permission.SHELTER_VIEW, shelter.organisation_id)
    accepted = Referral.objects.filter(
        to_organisation=shelter.organisation_id, status=ReferralStatus.ACCEPTED
    )
    return (
        Case.objects.filter(
            models.Q(pk__in=accepted.values("case_id")) | models.Q(organisation=shelter.organisation_id)
        )
        .exclude(placements__shelter=shelter, placements__ended_on__isnull=True)
        .filter(status__in=["Active", "FollowUp"])
    )


def shelter_list(*, user: Any) -> models.QuerySet[Shelter]:
    return policy.scoped(
        user, Permission.SHELTER_VIEW, Shelter.objects.select_related("organisation")
    ).annotate(occupied=models.Count("placements", filter=models.Q(placements__ended_on__isnull=True)))


def attachment_read(*, user: Any, attachment_id: int) -> tuple[Attachment, bytes]:
    """An attachment's decrypted bytes for someone who may edit its case; the read is audited."""
    attachment = Attachment.objects.select_related("case").get(
        pk=attachment_id, case__in=_visible_cases(user)
    )
    if not case_access(user, attachment.case).can_edit:
        raise Attachment.DoesNotExist
    with transaction.atomic():
        audit.record(
            actor=user,
            action="attachment.read",
            target=attachment.case,
            details={"attachment": attachment.pk},
        )
    return attachment, files.load(attachment.storage_key)


def tasks_open(*, user: Any) -> models.QuerySet[CaseTask]:
    """The user's own open tasks on cases they can still see, soonest first."""
    return CaseTask.objects.filter(
        assigned_to=user, done_at__isnull=True, case__in=_visible_cases(user)
    ).select_related("case")


def approvals_waiting(*, user: Any) -> dict[str, Any]:
    """What a supervisor must decide: children's best-interests decisions and support plans."""
    organisations = policy.require(user, Permission.CASE_APPROVE)
    cases = _visible_cases(user).filter(organisation__in=organisations)
    return {
        "best_interests": cases.filter(is_child=True, best_interests_approved_at__isnull=True)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
        .defer("identity"),
        "plans": SupportPlan.objects.filter(case__in=cases, approved_at__isnull=True).select_related("case"),
    }


def task_get(*, user: Any, task_id: int) -> CaseTask:
    """An open task on a case the user can see (anyone working on the case may close it)."""
    return CaseTask.objects.select_related("case").get(
        pk=task_id, done_at__isnull=True, case__in=_visible_cases(user)
    )


def support_plan_get(*, user: Any, plan_id: int) -> SupportPlan:
    return SupportPlan.objects.select_related("case").get(pk=plan_id, case__in=_visible_cases(user))


def perpetrators_visible(*, user: Any, case: Case) -> list[Any]:
    """The case's perpetrators whose intelligence entities this user may see; nobody else learns of them."""
    from tiaki.accounts.permissions import Permission as P
    from tiaki.intelligence import selectors as intelligence_selectors

    if not policy.has(user, P.INTEL_VIEW):
        return []
    visible = intelligence_selectors.entity_list(user=user)
    return list(case.perpetrators.filter(entity__in=visible).select_related("entity"))
