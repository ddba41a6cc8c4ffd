"""API of watchlist screening (at /api/v1/watchlist): screen JSON rows, follow, list and decide hits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.pagination import BoundedLimitOffset
from tiaki.api.schemas import Problem
from tiaki.resolution import watchlist_selectors as selectors
from tiaki.resolution import watchlist_services as services

router = Router(tags=["watchlist"])


class ScreeningIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    # Each row: `id` plus any of name, dob, gender, nationality, phone, email, id_number, address.
    rows: list[dict[str, str]] = Field(..., min_length=1, max_length=services.MAX_API_ROWS)


class ScreeningOut(Schema):
    id: int
    title: str
    status: str
    stage: str
    progress: float
    records: int
    watchlist_size: int
    hits: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


class HitOut(Schema):
    id: int
    record_ref: str
    record: dict[str, str]
    entity_id: int
    entity_reference: str
    score: float
    reasons: list[str]
    decision: str
    remembered: bool

    @staticmethod
    def resolve_entity_reference(obj: Any) -> str:
        return str(obj.entity.reference)


class DecisionIn(Schema):
    decision: str = Field(..., pattern="^(confirmed|rejected)$")


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.post(
    "/screenings",
    response={201: ScreeningOut, 422: Problem},
    summary="Screen a list given as JSON rows (larger lists: upload a CSV on the watchlist page)",
    openapi_extra=declares(Permission.WATCHLIST_SCREEN),
)
def create_screening(request: HttpRequest, payload: ScreeningIn) -> Any:
    screening = services.watchlist_screening_create(
        actor=_caller(request), title=payload.title, rows=payload.rows
    )
    return Status(201, screening)


@router.get(
    "/screenings",
    response=list[ScreeningOut],
    summary="The caller's organisation's screenings, newest first",
    openapi_extra=declares(Permission.WATCHLIST_SCREEN),
)
@paginate(BoundedLimitOffset)
def list_screenings(request: HttpRequest) -> Any:
    return selectors.screening_list(user=_caller(request))


@router.get(
    "/screenings/{screening_id}",
    response={200: ScreeningOut, 404: Problem},
    summary="Status and progress of one screening",
    openapi_extra=declares(Permission.WATCHLIST_SCREEN),
)
def get_screening(request: HttpRequest, screening_id: int) -> Any:
    return selectors.screening_get(user=_caller(request), screening_id=screening_id)


@router.get(
    "/screenings/{screening_id}/hits",
    response=list[HitOut],
    summary="Hits of a screening with score, reasons and decision (rejected ones included)",
    openapi_extra=declares(Permission.WATCHLIST_SCREEN),
)
@paginate(BoundedLimitOffset)
def list_hits(request: HttpRequest, screening_id: int) -> Any:
    user = _caller(request)
    screening = selectors.screening_read(user=user, screening_id=screening_id)
    return selectors.screening_hits(user=user, screening=screening)


@router.post(
    "/hits/{hit_id}/decision",
    response={200: HitOut, 404: Problem, 422: Problem},
    summary="Confirm or reject a hit; the decision is remembered for later screenings",
    openapi_extra=declares(Permission.WATCHLIST_SCREEN),
)
def decide_hit(request: HttpRequest, hit_id: int, payload: DecisionIn) -> Any:
    user = _caller(request)
    hit = selectors.hit_get(user=user, hit_id=hit_id)
    return services.watchlist_hit_decide(actor=user, hit=hit, decision=payload.decision)
