"""The staff home page (one per role, from real data) and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.models import Membership
from tiaki.accounts.permissions import ROLE_PERMISSIONS, Permission
from tiaki.cases import selectors as cases_selectors
from tiaki.governance import policy
from tiaki.governance import selectors as governance_selectors
from tiaki.intake import selectors as intake_selectors
from tiaki.web.access import AuthenticatedRequest, public, staff


@staff
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    held = policy.permissions_of(user)
    memberships = Membership.objects.filter(user=user, active=True).select_related("organisation")
    context: dict[str, object] = {
        "memberships": memberships,
        "organisations": accounts_selectors.organisations_of(user=user),
        "permissions": sorted(held, key=lambda p: p.value),
        "role_permissions": ROLE_PERMISSIONS,
    }
    if Permission.REPORT_VIEW in held:
        context["report_counts"] = intake_selectors.report_counts_by_status(user=user)
        context["recent_reports"] = list(intake_selectors.report_list(user=user)[:5])
    if Permission.CASE_VIEW in held:
        context["case_counts"] = cases_selectors.case_counts_by_status(user=user)
    if Permission.CASE_EDIT in held:
        context["overdue_follow_ups"] = list(cases_selectors.follow_ups_overdue(user=user)[:10])
        context["my_tasks"] = list(cases_selectors.tasks_open(user=user)[:10])
    if Permission.REFERRAL_RECEIVE in held:
        context["pending_referrals"] = (
            cases_selectors.referral_list(user=user).filter(status="pending").count()
        )
    if Permission.ORG_ADMIN in held:
        context["member_count"] = accounts_selectors.membership_list(user=user).count()
        context["api_key_count"] = (
            accounts_selectors.api_key_list(user=user).filter(revoked_at__isnull=True).count()
        )
    if Permission.AUDIT_VIEW in held:
        context["audit_recent"] = list(governance_selectors.audit_event_list(user=user)[:5])
    return render(request, "web/home.html", context)


@public
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
