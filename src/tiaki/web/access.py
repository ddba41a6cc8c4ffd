"""View access declarations. Every view declares who may open it; the access-matrix test enforces that."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tiaki.accounts.models import User
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy, security_log


class AuthenticatedRequest(HttpRequest):
    """What a view behind `signed_in`, `staff` or `requires` receives: the user is a signed-in person."""

    user: User


PUBLIC = "public"
SIGNED_IN = "signed-in"  # logged in, second factor not yet required (the two-factor pages themselves)
STAFF = "staff"  # logged in and, where the user's permissions demand it, second factor verified

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """Open to everyone, including anonymous members of the public."""
    view.tiaki_access = PUBLIC  # type: ignore[attr-defined]
    return view


def _second_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if policy.needs_second_factor(user) and not policy.second_factor_verified(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "accounts:otp_verify" if has_device else "accounts:otp_enrol"
        response = redirect(target)
        response["Location"] += f"?next={request.get_full_path()}"
        return response
    return None


def _guard(access: str | Permission, *, second_factor: bool) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated or getattr(request.user, "is_service", False):
                return redirect_to_login(request.get_full_path())
            if second_factor and (early := _second_factor_redirect(request)) is not None:
                return early
            if isinstance(access, Permission):
                try:
                    policy.require(request.user, access)
                except policy.Denied as denial:
                    return forbidden(request, denial)
            try:
                return view(request, *args, **kwargs)
            except policy.Denied as denial:
                return forbidden(request, denial)

        wrapped.tiaki_access = access  # type: ignore[attr-defined]
        return wrapped

    return decorate


def signed_in(view: View) -> View:
    return _guard(SIGNED_IN, second_factor=False)(view)


def staff(view: View) -> View:
    return _guard(STAFF, second_factor=True)(view)


def requires(permission: Permission) -> Callable[[View], View]:
    """Open only to users holding `permission` (with a verified second factor where its tier needs one)."""
    return _guard(permission, second_factor=True)


def forbidden(request: HttpRequest, denial: policy.Denied) -> HttpResponse:
    security_log.access_denied(request, denial)
    return render(request, "web/forbidden.html", {"reason": denial.reason}, status=403)
