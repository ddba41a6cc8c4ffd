"""Response hardening that applies to every dynamic page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class NoStoreMiddleware:
    """Dynamic pages are never cached by browsers or proxies unless a view says otherwise.

    A shared phone's browser cache must not hand the next person a survivor's case or a reporter's tip.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


class ApiRequiresHttpsMiddleware:
    """Under SECURE_SSL_REDIRECT, the API refuses plain HTTP instead of redirecting it.

    A redirect would let a partner's script keep working while its API key has already crossed the network
    in the clear; a refusal makes the misconfiguration visible at once. Pages still redirect (people type
    addresses without https://). SECURE_REDIRECT_EXEMPT keeps the security middleware from redirecting first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SECURE_SSL_REDIRECT and request.path.startswith("/api/") and not request.is_secure():
            return JsonResponse({"detail": "HTTPS required"}, status=403)
        return self.get_response(request)
