"""Template context: which navigation entries the signed-in user may follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    held = policy.permissions_of(user)
    return {"perms_nav": {p.name.lower(): True for p in Permission if p in held}}
