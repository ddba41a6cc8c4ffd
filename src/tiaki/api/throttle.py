"""A request budget per API caller (partner key or staff user), never keyed by the client's address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class CallerRateThrottle(SimpleRateThrottle):
    """TIAKI_API_RATE_LIMIT requests per caller; a caller over it gets 429 until the window moves on.

    Counts live in Django's cache: with the default local-memory cache each server process counts on its
    own, so the effective budget is the limit times the processes (docs/operator-guide.md).
    """

    scope = "caller"

    def __init__(self) -> None:
        super().__init__(rate=settings.TIAKI_API_RATE_LIMIT)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if caller is None:
            return None  # refused by authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": caller.pk}

    def allow_request(self, request: HttpRequest) -> bool:
        # Read per request so that a settings change (and a test's override) takes effect at once.
        self.rate = settings.TIAKI_API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
