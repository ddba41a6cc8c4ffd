"""Each API operation declares its permission in the OpenAPI document; the access-matrix test reads it."""

from __future__ import annotations

from typing import Any

from tiaki.accounts.permissions import Permission

EXTENSION = "x-tiaki-permission"
AUTHENTICATED = "authenticated"


def declares(permission: Permission | str) -> dict[str, Any]:
    """`openapi_extra` for an operation: who may call it (a permission value, or any authenticated caller)."""
    return {EXTENSION: permission.value if isinstance(permission, Permission) else permission}
