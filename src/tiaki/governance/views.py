"""The audit trail page for auditors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, selectors
from tiaki.web.access import AuthenticatedRequest, requires


@requires(Permission.AUDIT_VIEW)
def audit_trail(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.audit_event_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "governance/audit_trail.html", {"page": page})


@requires(Permission.AUDIT_VIEW)
def audit_verify(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "governance/_verification.html", {"result": audit.verify()})
