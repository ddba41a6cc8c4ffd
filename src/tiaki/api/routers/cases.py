"""Cases and referrals: the same policy and consent rules as the pages, for partner systems."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.pagination import BoundedLimitOffset
from tiaki.api.schemas import Invalid, Problem
from tiaki.cases import selectors, services
from tiaki.cases.models import Case, Referral

router = Router(tags=["cases"])
CaseStatusValue = Literal["Active", "FollowUp", "Closed", "ClosedReferred"]


class CaseSummary(Schema):
    id: int
    reference: str
    organisation_id: int
    status: str
    trafficking_status: str
    is_child: bool
    gender: str
    citizenship: str
    opened_at: dt.datetime


class CaseOut(CaseSummary):
    parts: list[str]
    identity: dict[str, str] | None
    type_of_exploitation: list[str] | None
    methods_of_control: list[str] | None


class ReferralOut(Schema):
    id: int
    case_id: int
    from_organisation_id: int
    to_organisation_id: int
    reason: str
    shared_parts: list[str]
    is_transfer: bool
    status: str
    sent_at: dt.datetime


class Decision(Schema):
    decision: Literal["accept", "decline"]


@router.get(
    "/cases",
    response=list[CaseSummary],
    summary="Cases the caller may know of (never identity)",
    openapi_extra=declares(Permission.CASE_VIEW),
)
@paginate(BoundedLimitOffset)
def list_cases(request: HttpRequest, status: CaseStatusValue | None = None) -> Any:
    return selectors.case_list(user=request.auth, status=status)  # type: ignore[attr-defined]


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, 404: Problem},
    summary="One case, limited to the parts the caller may see; identity reads are audited",
    openapi_extra=declares(Permission.CASE_VIEW),
)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    view = selectors.case_read(user=request.auth, case_id=case_id)  # type: ignore[attr-defined]
    case: Case = view.case
    exploitation = "exploitation" in view.access.parts
    return {
        **CaseSummary.model_validate(case).model_dump(),
        "parts": sorted(view.access.parts),
        "identity": view.identity or None,
        "type_of_exploitation": case.type_of_exploitation if exploitation else None,
        "methods_of_control": case.methods_of_control if exploitation else None,
    }


@router.get(
    "/referrals/incoming",
    response=list[ReferralOut],
    summary="Referrals sent to the caller's organisations",
    openapi_extra=declares(Permission.REFERRAL_RECEIVE),
)
@paginate(BoundedLimitOffset)
def incoming_referrals(request: HttpRequest) -> Any:
    return selectors.referral_list(user=request.auth, direction="incoming")  # type: ignore[attr-defined]


@router.post(
    "/referrals/{referral_id}/decision",
    response={200: ReferralOut, 404: Problem, 422: Invalid},
    summary="Accept or decline a referral",
    openapi_extra=declares(Permission.REFERRAL_RECEIVE),
)
def decide_referral(request: HttpRequest, referral_id: int, payload: Decision) -> Referral:
    user = request.auth  # type: ignore[attr-defined]
    referral = selectors.referral_list(user=user, direction="incoming").get(pk=referral_id)
    return services.referral_respond(actor=user, referral=referral, accept=payload.decision == "accept")
