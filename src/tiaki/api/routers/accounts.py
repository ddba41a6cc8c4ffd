"""Who am I: the caller's organisations, roles and permissions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from tiaki.api.access import AUTHENTICATED, declares
from tiaki.governance import policy

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation_id: int
    role: str
    scope: str


class MeOut(Schema):
    username: str
    is_service: bool
    memberships: list[MembershipOut]
    permissions: list[str]


@router.get(
    "/me",
    response=MeOut,
    summary="The caller's memberships and permissions",
    openapi_extra=declares(AUTHENTICATED),
)
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.username,
        is_service=user.is_service,
        memberships=[
            MembershipOut(organisation_id=g.organisation_id, role=g.role.value, scope=g.scope)
            for g in policy.grants(user)
        ],
        permissions=sorted(p.value for p in policy.permissions_of(user)),
    )
