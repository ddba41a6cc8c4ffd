"""The NinjaAPI instance: authentication, error shapes and the routers of each domain."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from tiaki.api.auth import AUTH
from tiaki.api.parser import TextParser
from tiaki.api.throttle import CallerRateThrottle
from tiaki.governance import policy, security_log

api = NinjaAPI(
    title="Tiaki API",
    version="1",
    description="Partner API of Tiaki. Every endpoint needs an API key or a verified staff session; "
    "what a caller sees is decided by the same policy layer as the web pages.",
    auth=AUTH,
    parser=TextParser(),
    throttle=[CallerRateThrottle()],
    urls_namespace="api",
    # No Swagger UI: it would pull scripts the CSP forbids. The schema itself is public and holds no data.
    docs_url=None,
)


@api.exception_handler(policy.Denied)
def _denied(request: HttpRequest, exc: policy.Denied) -> HttpResponse:
    security_log.access_denied(request, exc)
    return api.create_response(request, {"detail": exc.reason}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    # Same answer for "does not exist" and "exists but not yours": no probing across organisations.
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(NinjaValidationError)
def _unparseable(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Invalid input", "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


def _mount() -> None:
    from tiaki.api.routers import accounts, cases, intake, screening
    from tiaki.intelligence.api import router as intelligence_router
    from tiaki.resolution.api import router as resolution_router
    from tiaki.resolution.watchlist_api import router as watchlist_router

    api.add_router("/accounts", accounts.router)
    api.add_router("/reports", intake.router)
    api.add_router("", cases.router)
    api.add_router("/screen", screening.router)
    api.add_router("", intelligence_router)
    api.add_router("/resolution", resolution_router)
    api.add_router("/watchlist", watchlist_router)


_mount()
