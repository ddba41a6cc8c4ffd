"""API of mentions, entity links and the review queue (mounted at /api/v1/resolution)."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tiaki.accounts.permissions import Permission
from tiaki.api.access import declares
from tiaki.api.pagination import BoundedLimitOffset
from tiaki.api.schemas import Invalid, Problem
from tiaki.governance import policy
from tiaki.intake.models import Report
from tiaki.resolution import selectors, services
from tiaki.resolution.models import EntityLink

# No `from __future__ import annotations` here: @paginate wraps the views, and django-ninja resolves
# their parameter annotations from the wrapper's module, where string annotations would not resolve.
router = Router(tags=["resolution"])
MentionKind = Literal[
    "person", "phone", "organisation", "agency", "address", "vehicle", "bank_account", "handle", "document"
]
MentionRoleValue = Literal["victim", "suspect", "witness", "reporter", "other"]


class MentionIn(Schema):
    kind: MentionKind = "person"
    role: MentionRoleValue = "other"
    value: str = Field("", max_length=services.MAX_FIELD_CHARS)
    name: str = Field("", max_length=services.MAX_FIELD_CHARS)
    dob: str = Field("", max_length=40)
    gender: str = Field("", max_length=20)
    nationality: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=services.MAX_FIELD_CHARS)
    id_number: str = Field("", max_length=60)
    address: str = Field("", max_length=services.MAX_FIELD_CHARS)


class MentionsIn(Schema):
    mentions: list[MentionIn] = Field(..., min_length=1, max_length=services.MAX_MENTIONS)


class MentionCreated(Schema):
    id: int
    kind: str
    role: str


class LinkOut(Schema):
    id: int
    mention_id: int
    entity_id: int
    candidate_id: int | None
    probability: float
    reasons: list[str]
    model_version: str
    decision: str
    decided_at: dt.datetime | None


class ReviewItem(LinkOut):
    mention: dict[str, str]
    candidate_mentions: list[dict[str, str]]


class DecisionIn(Schema):
    decision: Literal["confirm", "reject"]


class EntityMention(Schema):
    id: int
    kind: str
    role: str
    report_id: int | None
    record_id: int | None
    attributes: dict[str, str]
    link: LinkOut | None


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _link_out(link: EntityLink) -> dict[str, Any]:
    return LinkOut.model_validate(link).model_dump()


@router.post(
    "/reports/{report_id}/mentions",
    response={201: list[MentionCreated], 404: Problem, 422: Invalid},
    summary="Add the people, phones, agencies and documents a report names; resolved after commit",
    openapi_extra=declares(Permission.REPORT_CREATE),
)
def add_mentions(request: HttpRequest, report_id: int, payload: MentionsIn) -> Any:
    user = _caller(request)
    organisations = policy.require(user, Permission.REPORT_CREATE)
    report = Report.objects.get(pk=report_id, organisation__in=organisations)
    created = services.mentions_add(
        actor=user, report=report, mentions=[m.model_dump() for m in payload.mentions]
    )
    return Status(201, created)


@router.get(
    "/review",
    response=list[ReviewItem],
    summary="Pending links the caller may decide, the most uncertain first, with both sides",
    openapi_extra=declares(Permission.ENTITY_REVIEW),
)
@paginate(BoundedLimitOffset)
def review_queue(request: HttpRequest) -> Any:
    user = _caller(request)
    links = list(selectors.review_queue(user=user)[:500])
    return [
        {
            **_link_out(pair.link),
            "mention": pair.mention.mentions[0] if pair.mention.mentions else {},
            "candidate_mentions": pair.candidate.mentions,
        }
        for pair in selectors.review_pairs(user=user, links=links)
    ]


@router.post(
    "/links/{link_id}/decision",
    response={200: LinkOut, 404: Problem, 422: Invalid},
    summary="Confirm (merge into the proposed entity) or reject (keep apart) a pending link",
    openapi_extra=declares(Permission.ENTITY_REVIEW),
)
def decide_link(request: HttpRequest, link_id: int, payload: DecisionIn) -> Any:
    user = _caller(request)
    policy.require(user, Permission.ENTITY_REVIEW)
    link = selectors.link_get(user=user, link_id=link_id)
    return _link_out(services.entity_link_decide(actor=user, link=link, decision=payload.decision))


@router.get(
    "/entities/{entity_id}/mentions",
    response={200: list[EntityMention], 404: Problem},
    summary="The mentions of an entity the caller may see, each with its link (probability, reasons)",
    openapi_extra=declares(Permission.ENTITY_REVIEW),
)
def entity_mentions(request: HttpRequest, entity_id: int) -> Any:
    user = _caller(request)
    policy.require(user, Permission.ENTITY_REVIEW)
    entity = selectors.entity_get(user=user, entity_id=entity_id)
    out = []
    for mention in selectors.entity_mentions(user=user, entity=entity):
        link: EntityLink | None = getattr(mention, "link", None)
        out.append(
            {
                "id": mention.pk,
                "kind": mention.kind,
                "role": mention.role,
                "report_id": mention.report_id,
                "record_id": mention.record_id,
                "attributes": mention.attributes,
                "link": _link_out(link) if link is not None else None,
            }
        )
    return out
