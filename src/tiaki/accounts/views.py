"""Staff sign-in with a second factor, sign-out, members and partner API keys."""

from __future__ import annotations

import base64
import time

import segno
from django.contrib import auth, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaki.accounts import selectors, services
from tiaki.accounts.forms import ApiKeyForm, LoginForm, TokenForm
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy, security_log
from tiaki.web.access import AuthenticatedRequest, public, requires, signed_in


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return ""


def _after_password(request: HttpRequest, next_url: str) -> HttpResponse:
    user = request.user
    if policy.needs_second_factor(user):
        target = (
            "accounts:otp_verify"
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            else "accounts:otp_enrol"
        )
        response = redirect(target)
        if next_url:
            response["Location"] += f"?next={next_url}"
        return response
    return redirect(next_url or "web:home")


@public
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        user = auth.authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None and not user.is_service:
            auth.login(request, user)
            request.session["tiaki_session_started"] = time.time()
            with transaction.atomic():
                audit.record(actor=user, action="auth.login", target=user)
            return _after_password(request, next_url)
        security_log.sign_in_failed(request, stage="password", username=form.cleaned_data["username"])
        form.add_error(None, _("The username or password is not right."))
    timed_out = request.session.pop("tiaki_timed_out", False)
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "timed_out": timed_out})


@require_POST
@signed_in
def logout(request: AuthenticatedRequest) -> HttpResponse:
    with transaction.atomic():
        audit.record(actor=request.user, action="auth.logout", target=request.user)
    auth.logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@signed_in
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    next_url = _next_url(request)
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_enrol")
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            with transaction.atomic():
                audit.record(actor=request.user, action="auth.second_factor", target=request.user)
            return redirect(next_url or "web:home")
        security_log.sign_in_failed(request, stage="second_factor")
        form.add_error("token", _("That code did not match. Wait for a new code and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@signed_in
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(actor=user, action="auth.second_factor_enrol", target=user)
            otp_login(request, device)
            return redirect(next_url or "web:home")
        security_log.sign_in_failed(request, stage="second_factor_enrol")
        form.add_error("token", _("That code did not match. Check the time on your phone and try again."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": next_url},
    )


@requires(Permission.ORG_ADMIN)
def members(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "accounts/members.html", {"memberships": selectors.membership_list(user=request.user)}
    )


@requires(Permission.ORG_ADMIN)
def api_keys(request: AuthenticatedRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    organisations = [
        o
        for o in selectors.organisations_of(user=request.user)
        if policy.has(request.user, Permission.ORG_ADMIN, o)
    ]
    new_secret = None
    if request.method == "POST" and form.is_valid():
        organisation = organisations[0]
        _key, new_secret = services.api_key_issue(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
        form = ApiKeyForm()
    return render(
        request,
        "accounts/api_keys.html",
        {"keys": selectors.api_key_list(user=request.user), "form": form, "new_secret": new_secret},
    )


@require_POST
@requires(Permission.ORG_ADMIN)
def api_key_revoke(request: AuthenticatedRequest, key_id: int) -> HttpResponse:
    key = get_object_or_404(selectors.api_key_list(user=request.user), pk=key_id)
    services.api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("The key was revoked."))
    return redirect("accounts:api_keys")
