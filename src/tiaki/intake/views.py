"""The triage queue, report pages and the partner report form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.intake import selectors, services
from tiaki.intake.forms import ReportForm, StatusForm
from tiaki.intake.models import Report, ReportStatus
from tiaki.resolution.forms import mention_formset, mentions_of, mentions_valid
from tiaki.screening.labels import EXPLOITATION_LABELS, INDICATOR_LABELS
from tiaki.screening.services import evidence_segments
from tiaki.web.access import AuthenticatedRequest, requires


@requires(Permission.REPORT_VIEW)
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *ReportStatus.values):
        status = None
    page = Paginator(selectors.report_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "intake/report_list.html", {"page": page, "status": status, "statuses": ReportStatus.choices}
    )


@requires(Permission.REPORT_VIEW)
def report_detail(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    try:
        report = selectors.report_read(user=request.user, report_id=report_id)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    form = StatusForm(request.POST or None, initial={"status": report.status})
    if request.method == "POST" and form.is_valid():
        services.report_set_status(actor=request.user, report=report, status=form.cleaned_data["status"])
        return redirect("intake:report_detail", report_id=report.pk)
    can_triage = policy.has(request.user, Permission.REPORT_TRIAGE, report.organisation_id)
    can_open_case = policy.has(request.user, Permission.CASE_EDIT, report.organisation_id)
    screening = getattr(report, "screening", None)
    findings = screening.findings if screening else []
    segments = [
        (text, str(INDICATOR_LABELS.get(code, code)) if code else "")
        for text, code in evidence_segments(report.narrative, findings)
    ]
    # Findings stored before the text model could suggest have no "source": they are the rules'.
    indicators = [
        (
            str(INDICATOR_LABELS.get(f["code"], f["code"])),
            f["strength"],
            f["evidence"],
            f.get("source", "rules") == "model",
        )
        for f in findings
    ]
    set_aside = (
        ", ".join(str(INDICATOR_LABELS.get(code, code)) for code in screening.set_aside) if screening else ""
    )
    exploitation = [
        (
            str(EXPLOITATION_LABELS.get(f["code"], f["code"])),
            f["evidence"],
            f["source"] == "model",
        )
        for f in (screening.exploitation if screening else [])
    ]
    return render(
        request,
        "intake/report_detail.html",
        {
            "report": report,
            "form": form,
            "can_triage": can_triage,
            "can_open_case": can_open_case,
            "screening": screening,
            "segments": segments,
            "indicators": indicators,
            "set_aside": set_aside,
            "exploitation": exploitation,
        },
    )


@requires(Permission.REPORT_CREATE)
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    organisations = [
        o
        for o in accounts_selectors.organisations_of(user=request.user)
        if policy.has(request.user, Permission.REPORT_CREATE, o)
    ]
    form = ReportForm(request.POST or None)
    named = mention_formset(request.POST)
    if request.method == "POST" and form.is_valid() and mentions_valid(named):
        data = form.cleaned_data
        try:
            report = services.report_submit(
                actor=request.user,
                organisation=organisations[0],
                channel=data["channel"],
                narrative=data["narrative"],
                language=data["language"],
                country=data["country"] or "",
                place=data["place"],
                occurred_on=data["occurred_on"],
                mentions=mentions_of(named),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if policy.has(request.user, Permission.REPORT_VIEW, report.organisation_id):
                return redirect("intake:report_detail", report_id=report.pk)
            return render(request, "intake/report_received.html", {"report": report})
    return render(
        request,
        "intake/report_form.html",
        {"form": form, "named": named, "organisation": organisations[0], "title": _("New report")},
    )
