"""Intelligence API: graded records (sanitised for recipients), entities, ego networks, agency checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.pagination import BoundedLimitOffset
from tiaki.api.schemas import Problem
from tiaki.governance import policy
from tiaki.intelligence import selectors, services

router = Router(tags=["intelligence"])


class RecordSummary(Schema):
    id: int
    reference: str
    title: str
    originator_id: int
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    created_at: dt.datetime


class RecordOut(RecordSummary):
    version: str  # "original" for the originator, "sanitised" for recipients
    text: str
    handling_conditions: str
    released_to: list[int]


class RecordIn(Schema):
    title: str
    text: str
    sanitised_text: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str = ""


class ReleaseIn(Schema):
    organisation_id: int


class EntityOut(Schema):
    id: int
    reference: str
    kind: str
    label: str


class AgencyStatus(Schema):
    status: str


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get(
    "/intelligence/records",
    response=list[RecordSummary],
    summary="Records the caller may read (originated by or released to its organisation)",
    openapi_extra=declares(Permission.INTEL_VIEW),
)
@paginate(BoundedLimitOffset)
def list_records(request: HttpRequest) -> Any:
    return selectors.intel_record_list(user=_caller(request))


def _record_out(view: selectors.RecordView) -> dict[str, Any]:
    record = view.record
    return {
        **RecordSummary.model_validate(record).model_dump(),
        "version": "original" if view.original else "sanitised",
        "text": view.text,
        "handling_conditions": record.handling_conditions,
        "released_to": [r.organisation_id for r in view.releases],
    }


@router.get(
    "/intelligence/records/{record_id}",
    response={200: RecordOut, 404: Problem},
    summary="One record; recipients get the sanitised text only. Every read is audited",
    openapi_extra=declares(Permission.INTEL_VIEW),
)
def get_record(request: HttpRequest, record_id: int) -> dict[str, Any]:
    return _record_out(selectors.intel_record_read(user=_caller(request), record_id=record_id))


@router.post(
    "/intelligence/records",
    response={201: RecordSummary, 422: Problem},
    summary="Create a graded record (3x5x2) in the caller's organisation",
    openapi_extra=declares(Permission.INTEL_CREATE),
)
def create_record(request: HttpRequest, payload: RecordIn) -> Any:
    user = _caller(request)
    organisation_ids = policy.require(user, Permission.INTEL_CREATE)
    record = services.intel_record_create(
        actor=user, organisation=Organisation.objects.get(pk=min(organisation_ids)), **payload.model_dump()
    )
    return Status(201, record)


@router.post(
    "/intelligence/records/{record_id}/releases",
    response={201: RecordOut, 404: Problem, 422: Problem},
    summary="Release a record to an organisation a sharing agreement permits for its handling code",
    openapi_extra=declares(Permission.INTEL_RELEASE),
)
def release_record(request: HttpRequest, record_id: int, payload: ReleaseIn) -> Any:
    user = _caller(request)
    record = selectors.intel_record_for_release(user=user, record_id=record_id)
    organisation = Organisation.objects.get(pk=payload.organisation_id)
    services.intel_record_release(actor=user, record=record, organisation=organisation)
    return Status(201, _record_out(selectors.intel_record_read(user=user, record_id=record.pk)))


@router.get(
    "/intelligence/entities/{entity_id}",
    response={200: EntityOut, 404: Problem},
    summary="One entity the caller may see through a visible report or record",
    openapi_extra=declares(Permission.INTEL_VIEW),
)
def get_entity(request: HttpRequest, entity_id: int) -> Any:
    return selectors.entity_get(user=_caller(request), entity_id=entity_id)


@router.get(
    "/intelligence/entities/{entity_id}/graph",
    response={200: dict[str, Any], 404: Problem},
    summary="Ego network of an entity: only visible nodes and links (the link chart's data)",
    openapi_extra=declares(Permission.INTEL_VIEW),
)
def get_entity_graph(request: HttpRequest, entity_id: int, hops: int = 1) -> Any:
    return selectors.ego_chart(user=_caller(request), entity_id=entity_id, hops=hops)


@router.get(
    "/intelligence/agency-status",
    response=AgencyStatus,
    summary="Licence check of a recruitment agency: licensed, unknown or warning (register facts only)",
    openapi_extra=declares(Permission.ENTITY_VIEW),
)
def get_agency_status(request: HttpRequest, name: str = "", licence_number: str = "") -> dict[str, str]:
    policy.require(_caller(request), Permission.ENTITY_VIEW)
    return {"status": selectors.agency_status(name, licence_number)}
