"""API authentication: partner API keys, or a staff session that has passed its second factor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from tiaki.accounts.services import api_key_authenticate
from tiaki.governance import policy


class ApiKeyBearer(HttpBearer):
    openapi_description = "Partner API key: `Authorization: Bearer tk_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_key_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ApiKeyHeader(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = api_key_authenticate(key or "")
        if user is not None:
            request.user = user
        return user


class VerifiedSession(SessionAuth):
    """The browser's own session (CSRF-checked), accepted only once any required second factor is done."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or getattr(user, "is_service", False):
            return None
        if policy.needs_second_factor(user) and not policy.second_factor_verified(user):
            return None
        return user


AUTH = [ApiKeyBearer(), ApiKeyHeader(), VerifiedSession()]
