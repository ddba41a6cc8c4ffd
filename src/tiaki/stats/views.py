"""Statistics pages: dashboards with protected charts, downloadable and differentially private releases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.stats import dp, exports, selectors
from tiaki.stats.disclosure import Cell
from tiaki.stats.models import DPRelease
from tiaki.stats.scope import statistics_organisations
from tiaki.web.access import AuthenticatedRequest, requires

DASHBOARDS = [
    ("stats:reports_cases", gettext_lazy("Reports and cases over time"), selectors.reports_and_cases),
    ("stats:indicators", gettext_lazy("Indicator frequencies"), selectors.indicators),
    ("stats:referrals", gettext_lazy("Referral outcomes and time to acceptance"), selectors.referrals),
    ("stats:returns", gettext_lazy("Returns and follow-up completion"), selectors.returns),
    ("stats:outreach", gettext_lazy("Outreach and campaign reach"), selectors.outreach),
    ("stats:training", gettext_lazy("Training gains"), selectors.training),
]


def _organisation_names(user: Any, permission: Permission = Permission.STATS_VIEW) -> list[str]:
    ids = statistics_organisations(user, permission)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))


@requires(Permission.STATS_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "stats/index.html",
        {
            "dashboards": [(name, title) for name, title, _load in DASHBOARDS],
            "organisations": _organisation_names(request.user),
            "can_export": policy.has(request.user, Permission.STATS_EXPORT),
        },
    )


def _dashboard(name: str, title: Any, load: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @requires(Permission.STATS_VIEW)
    def view(request: AuthenticatedRequest) -> HttpResponse:
        return render(
            request,
            "stats/dashboard.html",
            {
                "title": title,
                "figures": load(user=request.user),
                "organisations": _organisation_names(request.user),
            },
        )

    view.__name__ = name.split(":")[1]
    return view


reports_cases, indicators, referrals, returns, outreach, training = (
    _dashboard(name, title, load) for name, title, load in DASHBOARDS
)


@requires(Permission.STATS_EXPORT)
def export_page(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "stats/exports.html",
        {
            "kinds": [(kind, label) for kind, (_build, label) in exports.KINDS.items()],
            "organisations": _organisation_names(request.user, Permission.STATS_EXPORT),
        },
    )


@requires(Permission.STATS_EXPORT)
def export_download(request: AuthenticatedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "ctdc")
    fmt = request.GET.get("format", "csv")
    if kind not in exports.KINDS or fmt not in {"csv", "xlsx"}:
        raise Http404
    data, _rows = exports.release_export(
        user=request.user, kind=kind, fmt=fmt, hxl=request.GET.get("hxl") == "1"
    )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv"
    )
    response = HttpResponse(
        data, content_type=f"{content_type}; charset=utf-8" if fmt == "csv" else content_type
    )
    response["Content-Disposition"] = f'attachment; filename="tiaki-{kind}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def _releasing_organisation(user: Any) -> Organisation:
    for organisation in accounts_selectors.organisations_of(user=user):
        if policy.has(user, Permission.STATS_EXPORT, organisation):
            return organisation
    raise policy.Denied(Permission.STATS_EXPORT)


@requires(Permission.STATS_EXPORT)
def dp_releases(request: AuthenticatedRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            epsilon = float(request.POST.get("epsilon", ""))
        except ValueError:
            error = _("Epsilon must be a number, e.g. 1.0.")
        else:
            try:
                release = dp.dp_release_create(
                    actor=request.user,
                    organisation=_releasing_organisation(request.user),
                    query=request.POST.get("query", ""),
                    epsilon=epsilon,
                )
            except dp.ReleaseError as problem:
                error = str(problem)
            else:
                messages.success(request, _("Release #%d made.") % release.pk)
                return redirect("stats:dp_release_detail", release.pk)
    releases = dp.dp_release_list(user=request.user).select_related("organisation")
    names = dict(Organisation.objects.values_list("pk", "name"))
    return render(
        request,
        "stats/dp_releases.html",
        {
            "releases": releases,
            "queries": [(key, query.label) for key, query in dp.QUERIES.items()],
            "spent": [(names.get(org, org), eps) for org, eps in dp.epsilon_spent(user=request.user).items()],
            "error": error,
        },
        status=400 if error else 200,
    )


@requires(Permission.STATS_EXPORT)
def dp_release_detail(request: AuthenticatedRequest, release_id: int) -> HttpResponse:
    try:
        release = dp.dp_release_list(user=request.user).select_related("created_by").get(pk=release_id)
    except DPRelease.DoesNotExist as missing:
        raise Http404 from missing
    cells = [
        (item["key"], Cell(item["value"], "shown" if item["value"] is not None else "primary"))
        for item in release.released
    ]
    return render(
        request,
        "stats/dp_release_detail.html",
        {
            "release": release,
            "cells": cells,
            "accuracy": f"{release.accuracy_95:.1f}",
            "reproduced": dp.dp_release_reproduce(user=request.user, release=release) == release.released,
        },
    )
