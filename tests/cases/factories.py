"""Access-matrix registrations for the cases app: how to make each object a case page acts on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.cases.models import Case

from ..conftest import verified


def _case(organisation: Organisation) -> Any:
    from tiaki.cases import services as case_services

    worker = accounts_services.user_create(
        actor=None,
        organisation=organisation,
        username=f"cw{Case.objects.count()}-{organisation.pk}",
        password=None,
        role=Role.CASE_SUPERVISOR,
    )
    verified(worker)
    return case_services.case_open(
        actor=worker, organisation=organisation, identity={"first_name": "LEAK-MARKER"}, gender="Feminine"
    ), worker


def _case_ids(organisation: Organisation) -> dict[str, int]:
    return {"case_id": _case(organisation)[0].pk}


def _consent(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    return {"consent_id": case_services.consent_record(actor=worker, case=case, purpose="services").pk}


def _support_plan(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    plan = case_services.support_plan_add(
        actor=worker, case=case, support_type="Health", objectives="LEAK-MARKER", provider=organisation
    )
    return {"plan_id": plan.pk}


def _return_plan(organisation: Organisation) -> Any:
    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    case_services.consent_record(actor=worker, case=case, purpose="safe_return")
    return case_services.return_plan_create(
        actor=worker, case=case, from_country="TH", to_country="VN", receiving_organisation=organisation
    ), worker


def _step(organisation: Organisation) -> dict[str, int]:
    return {"step_id": _return_plan(organisation)[0].steps.first().pk}


def _follow_up(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services
    from tiaki.cases.models import ReturnStepKind

    plan, worker = _return_plan(organisation)
    step = plan.steps.get(kind=ReturnStepKind.RECEPTION)
    case_services.return_step_complete(actor=worker, step=step, done_on=dt.date(2026, 1, 5))
    return {"follow_up_id": plan.case.follow_ups.first().pk}


def _referral_to(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services
    from tiaki.governance.services import sharing_agreement_set

    sender_org = accounts_services.organisation_create(
        actor=None, name=f"Sender for {organisation.pk}", org_type="law_enforcement", country="TH"
    )
    case, worker = _case(sender_org)
    sharing_agreement_set(
        actor=None,
        provider=sender_org,
        recipient=organisation,
        referrals=True,
        valid_from=dt.date(2020, 1, 1),
    )
    referral = case_services.referral_send(
        actor=worker,
        case=case,
        to_organisation=organisation,
        reason="AdditionalServicesRequired",
        shared_parts=["needs"],
    )
    return {"referral_id": referral.pk}


def _referral_from(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services
    from tiaki.governance.services import sharing_agreement_set

    receiver = accounts_services.organisation_create(
        actor=None, name=f"Receiver for {organisation.pk}", org_type="ngo", country="VN"
    )
    case, worker = _case(organisation)
    sharing_agreement_set(
        actor=None, provider=organisation, recipient=receiver, referrals=True, valid_from=dt.date(2020, 1, 1)
    )
    referral = case_services.referral_send(
        actor=worker,
        case=case,
        to_organisation=receiver,
        reason="AdditionalServicesRequired",
        shared_parts=["needs"],
    )
    return {"referral_id": referral.pk}


def _shelter(organisation: Organisation) -> Any:
    from tiaki.cases import services as case_services

    return case_services.shelter_create(
        actor=None,
        organisation=organisation,
        name=f"LEAK-MARKER {organisation.pk}",
        country="TH",
        capacity=10,
    )


def _shelter_ids(organisation: Organisation) -> dict[str, int]:
    return {"shelter_id": _shelter(organisation).pk}


def _placement(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases.models import Placement

    case, worker = _case(organisation)
    placement = Placement.objects.create(
        case=case, shelter=_shelter(organisation), started_on=dt.date(2026, 1, 1), placed_by=worker
    )
    return {"placement_id": placement.pk}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "cases:detail": _case_ids,
    "cases:consent_add": _case_ids,
    "cases:refer": _case_ids,
    "cases:return_plan": _case_ids,
    "cases:note_add": _case_ids,
    "cases:event_add": _case_ids,
    "cases:assessment_add": _case_ids,
    "cases:support_plan_add": _case_ids,
    "cases:best_interests": _case_ids,
    "cases:close": _case_ids,
    "cases:consent_withdraw": _consent,
    "cases:support_plan_approve": _support_plan,
    "cases:return_step_done": _step,
    "cases:follow_up_done": _follow_up,
    "cases:referral_detail": _referral_to,
    "cases:referral_respond": _referral_to,
    "cases:referral_revoke": _referral_from,
    "cases:shelter_detail": _shelter_ids,
    "cases:placement_start": _shelter_ids,
    "cases:placement_end": _placement,
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/referrals/{referral_id}/decision", "POST"): {"decision": "decline"},
}


def _attachment(organisation: Organisation) -> dict[str, int]:
    import io

    from PIL import Image

    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, format="PNG")
    attachment = case_services.attachment_add(
        actor=worker, case=case, filename="LEAK-MARKER.png", data=image.getvalue()
    )
    return {"attachment_id": attachment.pk}


def _task(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    task = case_services.task_add(
        actor=worker, case=case, title="LEAK-MARKER", due_on=dt.date(2026, 12, 1), assigned_to=worker
    )
    return {"task_id": task.pk}


OBJECT_FACTORIES.update(
    {
        "cases:attachment_add": _case_ids,
        "cases:attachment_download": _attachment,
        "cases:task_add": _case_ids,
        "cases:task_done": _task,
    }
)


def _approved_plan(organisation: Organisation) -> dict[str, int]:
    from tiaki.cases import services as case_services

    case, worker = _case(organisation)
    plan = case_services.support_plan_add(
        actor=worker, case=case, support_type="Health", objectives="LEAK-MARKER", provider=organisation
    )
    case_services.support_plan_approve(actor=worker, plan=plan)
    return {"plan_id": plan.pk}


OBJECT_FACTORIES["cases:service_add"] = _approved_plan

OBJECT_FACTORIES["cases:perpetrator_add"] = _case_ids
