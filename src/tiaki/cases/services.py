"""Writes to cases. Each runs in one transaction, checks policy and consent, and leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.cases.access import case_access
from tiaki.cases.models import (
    SHAREABLE_PARTS,
    Assessment,
    Attachment,
    Case,
    CaseNote,
    CasePerpetrator,
    CaseTask,
    Consent,
    ConsentPurpose,
    FollowUp,
    Placement,
    Referral,
    ReferralStatus,
    ReturnPlan,
    ReturnStep,
    ReturnStepKind,
    ServiceDelivery,
    Shelter,
    SupportPlan,
    TraffickingEvent,
)
from tiaki.cases.vocab import (
    IDENTITY_LABELS,
    CaseStatus,
    ExploitationType,
    MethodOfControl,
    PerpetratorRole,
    TraffickingStatus,
)
from tiaki.governance import audit, files, policy, retention
from tiaki.governance.models import SharingAgreement
from tiaki.intake.models import Report

FOLLOW_UP_MONTHS = (1, 3, 6, 12)
# Default spacing of a safe-return plan's steps, in days from the plan; caseworkers adjust due dates.
RETURN_STEP_DAYS = {
    ReturnStepKind.TRAVEL_DOCUMENTS: 14,
    ReturnStepKind.FAMILY_ASSESSMENT: 21,
    ReturnStepKind.ESCORT: 35,
    ReturnStepKind.RECEPTION: 36,
    ReturnStepKind.REINTEGRATION: 60,
}
IDENTITY_FIELDS = tuple(IDENTITY_LABELS)


def _editable(actor: Any, case: Case) -> None:
    if not case_access(actor, case).can_edit:
        raise policy.Denied(Permission.CASE_EDIT)


def _clean_identity(identity: dict[str, Any]) -> dict[str, str]:
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError({"identity": _("Unknown identity fields: %s") % ", ".join(sorted(unknown))})
    return {k: str(v).strip() for k, v in identity.items() if v not in (None, "")}


def _check_choices(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values))
    bad = [v for v in values if v not in set(allowed)]
    if bad:
        raise ValidationError({field: _("Not an HTCDS value: %s") % ", ".join(bad)})
    return values


def case_open(
    *,
    actor: Any,
    organisation: Organisation,
    identity: dict[str, Any],
    gender: str,
    citizenship: str = "",
    is_child: bool = False,
    trafficking_status: str = TraffickingStatus.POSSIBLE,
    type_of_exploitation: Iterable[str] = (),
    methods_of_control: Iterable[str] = (),
    location_of_recruitment: str = "",
    location_of_exploitation: str = "",
    source_report: Report | None = None,
    opened_at: dt.datetime | None = None,
) -> Case:
    """Open a survivor case owned by `organisation`, with the actor as case owner."""
    policy.require(actor, Permission.CASE_EDIT, organisation)
    if source_report is not None:
        policy.require(actor, Permission.REPORT_VIEW, source_report.organisation_id)
    if trafficking_status not in TraffickingStatus.values:
        raise ValidationError({"trafficking_status": _("Not an HTCDS value.")})
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            owner=actor,
            identity=_clean_identity(identity),
            gender=gender,
            citizenship=citizenship.upper(),
            is_child=is_child,
            trafficking_status=trafficking_status,
            type_of_exploitation=_check_choices(
                type_of_exploitation, ExploitationType.values, "type_of_exploitation"
            ),
            methods_of_control=_check_choices(
                methods_of_control, MethodOfControl.values, "methods_of_control"
            ),
            location_of_recruitment=location_of_recruitment.upper(),
            location_of_exploitation=location_of_exploitation.upper(),
            source_report=source_report,
            opened_at=opened_at or timezone.now(),
        )
        case.assigned.add(actor)
        audit.record(
            actor=actor,
            action="case.open",
            target=case,
            organisation=organisation,
            details={"child": is_child, "report": source_report.pk if source_report else None},
        )
    return case


def case_set_trafficking_status(
    *, actor: Any, case: Case, trafficking_status: str, decided_by: Organisation, decision_making_org: str
) -> Case:
    _editable(actor, case)
    if trafficking_status not in TraffickingStatus.values:
        raise ValidationError({"trafficking_status": _("Not an HTCDS value.")})
    with transaction.atomic():
        case.trafficking_status = trafficking_status
        case.trafficking_status_decided_by = decided_by
        case.trafficking_status_decision_making_org = decision_making_org
        case.save(
            update_fields=[
                "trafficking_status",
                "trafficking_status_decided_by",
                "trafficking_status_decision_making_org",
            ]
        )
        audit.record(
            actor=actor,
            action="case.trafficking_status",
            target=case,
            organisation=decided_by,
            details={"status": trafficking_status},
        )
    return case


def case_assign(*, actor: Any, case: Case, user: Any) -> None:
    policy.require(actor, Permission.CASE_APPROVE, case.organisation_id)
    policy.require(user, Permission.CASE_EDIT, case.organisation_id)
    with transaction.atomic():
        case.assigned.add(user)
        audit.record(
            actor=actor,
            action="case.assign",
            target=case,
            organisation=case.organisation_id,
            details={"user": user.pk},
        )


def best_interests_approve(*, actor: Any, case: Case) -> Case:
    """A supervisor's approval of the best-interests decision a child's case needs before it moves on."""
    policy.require(actor, Permission.CASE_APPROVE, case.organisation_id)
    if not case.is_child:
        raise ValidationError(_("Only a child's case needs a best-interests decision."))
    with transaction.atomic():
        case.best_interests_approved_by = actor
        case.best_interests_approved_at = timezone.now()
        case.save(update_fields=["best_interests_approved_by", "best_interests_approved_at"])
        audit.record(
            actor=actor, action="case.best_interests_approve", target=case, organisation=case.organisation_id
        )
    return case


def event_add(
    *,
    actor: Any,
    case: Case,
    event_type: str,
    country: str = "",
    city: str = "",
    date: dt.date | None = None,
    description: str = "",
) -> TraffickingEvent:
    _editable(actor, case)
    with transaction.atomic():
        event = TraffickingEvent.objects.create(
            case=case,
            event_type=event_type,
            country=country.upper(),
            city=city,
            date=date,
            description=description,
        )
        audit.record(actor=actor, action="case.event_add", target=case, details={"type": event_type})
    return event


def consent_record(
    *,
    actor: Any,
    case: Case,
    purpose: str,
    organisation: Organisation | None = None,
    given_at: dt.datetime | None = None,
) -> Consent:
    """Record the survivor's consent. Sharing consent always names the organisation it allows."""
    _editable(actor, case)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    if (purpose == ConsentPurpose.SHARING) != (organisation is not None):
        raise ValidationError({"organisation": _("Consent to share names exactly one organisation.")})
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            purpose=purpose,
            organisation=organisation,
            recorded_by=actor,
            given_at=given_at or timezone.now(),
        )
        audit.record(
            actor=actor,
            action="consent.give",
            target=case,
            organisation=case.organisation_id,
            details={"purpose": purpose, "with": organisation.pk if organisation else None},
        )
    return consent


def consent_withdraw(*, actor: Any, consent: Consent) -> Consent:
    _editable(actor, consent.case)
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action="consent.withdraw",
            target=consent.case,
            organisation=consent.case.organisation_id,
            details={"purpose": consent.purpose},
        )
    return consent


def _agreement_allows_referrals(provider_id: int, recipient_id: int) -> bool:
    today = timezone.localdate()
    return (
        SharingAgreement.objects.filter(
            provider_id=provider_id,
            recipient_id=recipient_id,
            referrals=True,
            active=True,
            valid_from__lte=today,
        )
        .exclude(valid_until__lt=today)
        .exists()
    )


def referral_send(
    *,
    actor: Any,
    case: Case,
    to_organisation: Organisation,
    reason: str,
    shared_parts: Iterable[str],
    details: str = "",
    is_transfer: bool = False,
    consent_override_reason: str = "",
) -> Referral:
    """Send the consented parts of a case to another organisation.

    Identity crosses only with the survivor's recorded consent to share with that organisation, or through
    an override by a role allowed to make one, with a reason, recorded in the audit trail.
    """
    policy.require(actor, Permission.REFERRAL_SEND, case.organisation_id)
    if not case_access(actor, case).owner:
        raise policy.Denied(Permission.REFERRAL_SEND)
    parts = list(dict.fromkeys(shared_parts))
    if set(parts) - set(SHAREABLE_PARTS) or not parts:
        raise ValidationError({"shared_parts": _("Choose what to share.")})
    if to_organisation.pk == case.organisation_id:
        raise ValidationError({"to_organisation": _("A case cannot be referred to its own organisation.")})
    if not _agreement_allows_referrals(case.organisation_id, to_organisation.pk):
        raise ValidationError(
            {"to_organisation": _("No sharing agreement allows referrals to this organisation.")}
        )
    if case.needs_best_interests_approval:
        raise ValidationError(
            _("A supervisor must approve the best-interests decision for this child first.")
        )
    consented = Consent.objects.filter(
        case=case, purpose=ConsentPurpose.SHARING, organisation=to_organisation, withdrawn_at__isnull=True
    ).exists()
    override = consent_override_reason.strip()
    if "identity" in parts and not consented:
        if not override:
            raise ValidationError(
                {
                    "shared_parts": _(
                        "The survivor has not consented to sharing with this organisation. Remove identity, "
                        "record consent, or make an override with a reason."
                    )
                }
            )
        policy.require(actor, Permission.CONSENT_OVERRIDE, case.organisation_id)
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            from_organisation_id=case.organisation_id,
            to_organisation=to_organisation,
            reason=reason,
            details=details,
            shared_parts=parts,
            is_transfer=is_transfer,
            consent_override_reason=override if "identity" in parts and not consented else "",
            sent_by=actor,
        )
        audit.record(
            actor=actor,
            action="referral.send",
            target=referral,
            organisation=case.organisation_id,
            details={"case": case.pk, "to": to_organisation.pk, "parts": parts, "transfer": is_transfer},
        )
        if referral.consent_override_reason:
            audit.record(
                actor=actor,
                action="consent.override",
                target=case,
                organisation=case.organisation_id,
                details={"referral": referral.pk, "to": to_organisation.pk},
            )
    return referral


def referral_respond(*, actor: Any, referral: Referral, accept: bool) -> Referral:
    policy.require(actor, Permission.REFERRAL_RECEIVE, referral.to_organisation_id)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError(_("This referral was already answered."))
    with transaction.atomic():
        referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
        referral.responded_by = actor
        referral.responded_at = timezone.now()
        referral.save(update_fields=["status", "responded_by", "responded_at"])
        case = referral.case
        if accept and referral.is_transfer:
            case.organisation_id = referral.to_organisation_id
            case.owner = actor
            case.save(update_fields=["organisation", "owner"])
            case.assigned.set([actor])
        elif accept:
            case.assigned.add(actor)
        audit.record(
            actor=actor,
            action="referral.accept" if accept else "referral.decline",
            target=referral,
            organisation=referral.to_organisation_id,
            details={"case": case.pk, "transfer": referral.is_transfer},
        )
    return referral


def referral_revoke(*, actor: Any, referral: Referral) -> Referral:
    policy.require(actor, Permission.REFERRAL_SEND, referral.from_organisation_id)
    if referral.status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED) or (
        referral.is_transfer and referral.status == ReferralStatus.ACCEPTED
    ):
        raise ValidationError(_("This referral can no longer be revoked."))
    with transaction.atomic():
        referral.status = ReferralStatus.REVOKED
        referral.save(update_fields=["status"])
        referral.case.assigned.remove(
            *referral.case.assigned.filter(memberships__organisation=referral.to_organisation_id)
        )
        audit.record(
            actor=actor,
            action="referral.revoke",
            target=referral,
            organisation=referral.from_organisation_id,
            details={"case": referral.case_id},
        )
    return referral


def shelter_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    country: str,
    capacity: int,
    city: str = "",
    languages: Iterable[str] = (),
    min_age: int = 0,
    max_age: int = 120,
    genders: Iterable[str] = (),
) -> Shelter:
    if actor is not None:
        policy.require(actor, Permission.SHELTER_MANAGE, organisation)
    with transaction.atomic():
        shelter = Shelter.objects.create(
            organisation=organisation,
            name=name,
            country=country.upper(),
            city=city,
            capacity=capacity,
            languages=list(languages),
            min_age=min_age,
            max_age=max_age,
            genders=list(genders),
        )
        audit.record(actor=actor, action="shelter.create", target=shelter, organisation=organisation)
    return shelter


def placement_start(*, actor: Any, case: Case, shelter: Shelter, started_on: dt.date) -> Placement:
    """A shelter admits a survivor: the case must be its own or referred to it and accepted."""
    policy.require(actor, Permission.SHELTER_MANAGE, shelter.organisation_id)
    admitted = (
        case.organisation_id == shelter.organisation_id
        or case.referrals.filter(
            to_organisation=shelter.organisation_id, status=ReferralStatus.ACCEPTED
        ).exists()
    )
    if not admitted:
        raise ValidationError(_("The case has not been referred to this shelter's organisation."))
    if shelter.placements.filter(ended_on__isnull=True).count() >= shelter.capacity:
        raise ValidationError(_("The shelter is full."))
    with transaction.atomic():
        placement = Placement.objects.create(
            case=case, shelter=shelter, started_on=started_on, placed_by=actor
        )
        audit.record(
            actor=actor,
            action="placement.start",
            target=placement,
            organisation=shelter.organisation_id,
            details={"case": case.pk},
        )
    return placement


def placement_end(*, actor: Any, placement: Placement, ended_on: dt.date) -> Placement:
    policy.require(actor, Permission.SHELTER_MANAGE, placement.shelter.organisation_id)
    with transaction.atomic():
        placement.ended_on = ended_on
        placement.save(update_fields=["ended_on"])
        audit.record(
            actor=actor,
            action="placement.end",
            target=placement,
            organisation=placement.shelter.organisation_id,
            details={"case": placement.case_id},
        )
    return placement


def return_plan_create(
    *,
    actor: Any,
    case: Case,
    from_country: str,
    to_country: str,
    receiving_organisation: Organisation,
    start: dt.date | None = None,
) -> ReturnPlan:
    """Plan a safe return: the five steps with default due dates, editable afterwards."""
    _editable(actor, case)
    if not Consent.objects.filter(
        case=case, purpose=ConsentPurpose.SAFE_RETURN, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError(_("Record the survivor's consent to a safe return first."))
    if case.needs_best_interests_approval:
        raise ValidationError(
            _("A supervisor must approve the best-interests decision for this child first.")
        )
    if ReturnPlan.objects.filter(case=case).exists():
        raise ValidationError(_("This case already has a return plan."))
    start = start or timezone.localdate()
    with transaction.atomic():
        plan = ReturnPlan.objects.create(
            case=case,
            from_country=from_country.upper(),
            to_country=to_country.upper(),
            receiving_organisation=receiving_organisation,
            created_by=actor,
        )
        ReturnStep.objects.bulk_create(
            ReturnStep(plan=plan, kind=kind, due_on=start + dt.timedelta(days=days))
            for kind, days in RETURN_STEP_DAYS.items()
        )
        audit.record(
            actor=actor,
            action="return_plan.create",
            target=case,  # the case's own trail shows its whole story, step by step
            organisation=case.organisation_id,
            details={"plan": plan.pk, "to": receiving_organisation.pk},
        )
    return plan


def return_step_complete(*, actor: Any, step: ReturnStep, done_on: dt.date, note: str = "") -> ReturnStep:
    """Mark a step done. Reception in the home country starts the 1/3/6/12-month follow-ups."""
    case = step.plan.case
    _editable(actor, case)
    with transaction.atomic():
        step.done_on = done_on
        step.note = note
        step.save(update_fields=["done_on", "note"])
        if step.kind == ReturnStepKind.RECEPTION:
            for months in FOLLOW_UP_MONTHS:
                FollowUp.objects.get_or_create(
                    case=case,
                    months_after=months,
                    defaults={
                        "due_on": done_on + relativedelta(months=months),
                        "organisation": step.plan.receiving_organisation,
                    },
                )
        audit.record(actor=actor, action="return_step.done", target=case, details={"step": step.kind})
    return step


def follow_up_complete(*, actor: Any, follow_up: FollowUp, done_on: dt.date, note: str = "") -> FollowUp:
    policy.require(actor, Permission.CASE_EDIT, follow_up.organisation_id)
    with transaction.atomic():
        follow_up.done_on = done_on
        follow_up.note = note
        follow_up.done_by = actor
        follow_up.save(update_fields=["done_on", "note", "done_by"])
        audit.record(
            actor=actor,
            action="follow_up.done",
            target=follow_up.case,
            organisation=follow_up.organisation_id,
            details={"months": follow_up.months_after},
        )
    return follow_up


def note_add(*, actor: Any, case: Case, text: str) -> CaseNote:
    _editable(actor, case)
    if not text.strip():
        raise ValidationError({"text": _("Write the note first.")})
    organisation = (
        case.organisation_id
        if case_access(actor, case).owner
        else next(iter(policy.organisations_with(actor, Permission.CASE_EDIT)))
    )
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, text=text.strip(), author=actor, organisation_id=organisation
        )
        audit.record(actor=actor, action="case.note_add", target=case, organisation=organisation)
    return note


def case_close(*, actor: Any, case: Case, reason: str, referred: bool = False) -> Case:
    """Closure is approved by a supervisor of the owner organisation."""
    policy.require(actor, Permission.CASE_APPROVE, case.organisation_id)
    with transaction.atomic():
        case.status = CaseStatus.CLOSED_REFERRED if referred else CaseStatus.CLOSED
        case.reason_for_case_closure = reason
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "reason_for_case_closure", "closed_at"])
        audit.record(
            actor=actor,
            action="case.close",
            target=case,
            organisation=case.organisation_id,
            details={"status": case.status},
        )
    return case


def assessment_record(
    *, actor: Any, case: Case, kind: str, level: str, risk_level: str, findings: str
) -> Assessment:
    _editable(actor, case)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case, kind=kind, level=level, risk_level=risk_level, findings=findings, assessed_by=actor
        )
        audit.record(
            actor=actor,
            action="assessment.record",
            target=case,
            details={"kind": kind, "level": level, "risk": risk_level},
        )
    return assessment


def support_plan_add(
    *,
    actor: Any,
    case: Case,
    support_type: str,
    objectives: str,
    provider: Organisation,
    planned_end_date: dt.date | None = None,
) -> SupportPlan:
    _editable(actor, case)
    with transaction.atomic():
        plan = SupportPlan.objects.create(
            case=case,
            support_type=support_type,
            objectives=objectives,
            provider=provider,
            planned_end_date=planned_end_date,
            created_by=actor,
        )
        audit.record(actor=actor, action="support_plan.add", target=case, details={"type": support_type})
    return plan


def support_plan_approve(*, actor: Any, plan: SupportPlan) -> SupportPlan:
    policy.require(actor, Permission.CASE_APPROVE, plan.case.organisation_id)
    with transaction.atomic():
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save(update_fields=["approved_by", "approved_at"])
        audit.record(
            actor=actor, action="support_plan.approve", target=plan.case, details={"type": plan.support_type}
        )
    return plan


def service_delivered(
    *, actor: Any, plan: SupportPlan, delivered_on: dt.date, note: str = ""
) -> ServiceDelivery:
    _editable(actor, plan.case)
    if plan.approved_at is None:
        raise ValidationError(_("A supervisor must approve the support plan first."))
    with transaction.atomic():
        delivery = ServiceDelivery.objects.create(
            plan=plan, delivered_on=delivered_on, note=note, recorded_by=actor
        )
        audit.record(
            actor=actor, action="service.delivered", target=plan.case, details={"type": plan.support_type}
        )
    return delivery


def attachment_add(*, actor: Any, case: Case, filename: str, data: bytes) -> Attachment:
    """Attach a photo: metadata stripped, encrypted at rest; the file is removed again if the save fails."""
    _editable(actor, case)
    clean, content_type = files.strip_metadata(data)
    # Under the case's period key, so that destroying it at the end of retention shreds backups too.
    key = files.store(clean, key_id=retention.key_for(case))
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                case=case,
                storage_key=key,
                filename=filename[:200],
                content_type=content_type,
                size=len(clean),
                uploaded_by=actor,
            )
            audit.record(
                actor=actor,
                action="attachment.add",
                target=case,
                details={"attachment": attachment.pk, "type": content_type},
            )
    except BaseException:
        files.delete(key)
        raise
    return attachment


def task_add(*, actor: Any, case: Case, title: str, due_on: dt.date, assigned_to: Any) -> CaseTask:
    _editable(actor, case)
    if not case_access(assigned_to, case).can_edit:
        raise ValidationError({"assigned_to": _("That person cannot work on this case.")})
    with transaction.atomic():
        task = CaseTask.objects.create(
            case=case, title=title, due_on=due_on, assigned_to=assigned_to, created_by=actor
        )
        audit.record(actor=actor, action="task.add", target=case, details={"task": task.pk})
    return task


def task_done(*, actor: Any, task: CaseTask) -> CaseTask:
    _editable(actor, task.case)
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit.record(actor=actor, action="task.done", target=task.case, details={"task": task.pk})
    return task


def perpetrator_link(*, actor: Any, case: Case, entity_id: int, role: str) -> CasePerpetrator:
    """Link a case to the intelligence entity of a perpetrator; the actor must see both."""
    from tiaki.intelligence import selectors as intelligence_selectors

    _editable(actor, case)
    if role not in PerpetratorRole.values:
        raise ValidationError({"role": _("Not an HTCDS value.")})
    entity = intelligence_selectors.entity_get(user=actor, entity_id=entity_id)
    with transaction.atomic():
        link, _created = CasePerpetrator.objects.get_or_create(
            case=case, entity=entity, role=role, defaults={"added_by": actor}
        )
        audit.record(
            actor=actor,
            action="case.perpetrator_link",
            target=case,
            details={"entity": entity.pk, "role": role},
        )
    return link
