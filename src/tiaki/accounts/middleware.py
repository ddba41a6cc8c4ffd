"""Idle and absolute time-outs for staff sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_STARTED = "tiaki_session_started"
_SEEN = "tiaki_session_seen"


class SessionTimeoutMiddleware:
    """Log a staff member out after an idle period, and in any case after the absolute maximum."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            if (
                now - seen > settings.TIAKI_SESSION_IDLE_SECONDS
                or now - started > settings.TIAKI_SESSION_MAX_SECONDS
            ):
                logout(request)
                request.session["tiaki_timed_out"] = True
            else:
                request.session[_STARTED] = started
                request.session[_SEEN] = now
        return self.get_response(request)
