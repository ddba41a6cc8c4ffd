"""Reports: partners submit them; permitted staff and systems list and read them."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.pagination import BoundedLimitOffset
from tiaki.api.schemas import Invalid, IsoDate, Problem
from tiaki.governance import policy
from tiaki.intake import selectors, services
from tiaki.intake.models import Channel, Report
from tiaki.resolution.api import MentionIn
from tiaki.resolution.services import MAX_MENTIONS

# No `from __future__ import annotations` here: @paginate wraps the views, and django-ninja resolves
# their parameter annotations from the wrapper's module, where string annotations would not resolve.
router = Router(tags=["reports"])
ReportStatusValue = Literal["new", "triaged", "linked", "closed"]


class ReportSummary(Schema):
    id: int
    organisation_id: int
    channel: str
    language: str
    country: str
    status: str
    received_at: dt.datetime


class ReportOut(ReportSummary):
    narrative: str
    place: str
    occurred_on: dt.date | None


class ReportIn(Schema):
    narrative: str = Field(..., min_length=1, max_length=services.MAX_NARRATIVE_CHARS)
    organisation_id: int | None = Field(None, description="Defaults to the caller's only organisation")
    channel: str = Field(Channel.API.value, pattern="^(partner_form|interview|api|import)$")
    language: str = Field("", max_length=8)
    country: str = Field("", pattern="^([A-Za-z]{2})?$")
    place: str = Field("", max_length=200)
    occurred_on: IsoDate | None = None
    mentions: list[MentionIn] = Field(
        [], max_length=MAX_MENTIONS, description="People, phones, agencies and documents the report names"
    )


@router.get(
    "",
    response=list[ReportSummary],
    summary="Reports the caller may see, newest first",
    openapi_extra=declares(Permission.REPORT_VIEW),
)
@paginate(BoundedLimitOffset)
def list_reports(request: HttpRequest, status: ReportStatusValue | None = None) -> list[Report]:
    return selectors.report_list(user=request.auth, status=status)  # type: ignore[attr-defined, return-value]


@router.get(
    "/{report_id}",
    response={200: ReportOut, 404: Problem},
    summary="One report, with its narrative",
    openapi_extra=declares(Permission.REPORT_VIEW),
)
def get_report(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_read(user=request.auth, report_id=report_id)  # type: ignore[attr-defined]


@router.post(
    "",
    response={201: ReportOut, 403: Problem, 422: Invalid},
    summary="Submit a report",
    openapi_extra=declares(Permission.REPORT_CREATE),
)
def submit_report(request: HttpRequest, payload: ReportIn) -> Status[Report]:
    user = request.auth  # type: ignore[attr-defined]
    allowed = policy.require(user, Permission.REPORT_CREATE)
    organisation_id = payload.organisation_id
    if organisation_id is None:
        if len(allowed) != 1:
            raise policy.Denied(Permission.REPORT_CREATE, "organisation_id is required")
        organisation_id = next(iter(allowed))
    if organisation_id not in allowed:
        raise policy.Denied(Permission.REPORT_CREATE)
    report = services.report_submit(
        actor=user,
        organisation=Organisation.objects.get(pk=organisation_id),
        channel=payload.channel,
        narrative=payload.narrative,
        language=payload.language,
        country=payload.country,
        place=payload.place,
        occurred_on=payload.occurred_on,
        mentions=[m.model_dump() for m in payload.mentions],
    )
    return Status(201, report)
