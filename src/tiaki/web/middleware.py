"""Request and response hardening that applies to every dynamic page and API call."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
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


# PostgreSQL text cannot hold this character; every request input that holds it is refused.
NUL = "\x00"
NUL_REFUSED = "The NUL character is not allowed in text"


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a submitted form is refused before any view runs.

    PostgreSQL text cannot hold NUL (SQLite can): a NUL that reached a query would answer 500 on one
    database and succeed on the other. Pages answer 400; the API answers 422 naming the field, like any
    other invalid input. JSON bodies are checked by the API's parser (tiaki.api.parser), which sees them
    decoded.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _nul_in_request(request)
        if where is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            error = {
                "loc": list(where),
                "msg": NUL_REFUSED,
                "type": "value_error",
            }
            return JsonResponse({"detail": "Invalid input", "errors": [error]}, status=422)
        raise BadRequest("NUL character in request input")


def _nul_in_request(request: HttpRequest) -> tuple[str, str] | None:
    if NUL in request.path:
        return ("path", "")
    sources = [("query", request.GET)]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(("form", request.POST))
    for where, data in sources:
        for key, values in data.lists():
            if NUL in key or any(isinstance(v, str) and NUL in v for v in values):
                return (where, key)
    return None
