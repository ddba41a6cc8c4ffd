"""Frontline questionnaires for staff: interview and red-flag forms, XLSForm export, ODK/Kobo import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.intake import services as intake_services
from tiaki.screening import questionnaires
from tiaki.screening.forms import ImportForm, QuestionnaireForm
from tiaki.screening.labels import INDICATOR_LABELS
from tiaki.web.access import AuthenticatedRequest, requires

STAFF_KINDS = ("interview", "red_flag")


def _questionnaire(form_id: str) -> questionnaires.Questionnaire:
    try:
        questionnaire = questionnaires.load(form_id)
    except questionnaires.QuestionnaireError as exc:
        raise Http404 from exc
    if questionnaire.kind not in STAFF_KINDS:
        raise Http404
    return questionnaire


def _language(request: AuthenticatedRequest) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or translation.get_language() or "en"
    return wanted if wanted in questionnaires.LANGUAGES else "en"


def result_rows(result: object) -> list[tuple[str, str, str]]:
    return [(str(INDICATOR_LABELS.get(i.code, i.code)), i.strength, i.evidence) for i in result.indicators]  # type: ignore[attr-defined]


@requires(Permission.SCREENING_RUN)
def questionnaire_list(request: AuthenticatedRequest) -> HttpResponse:
    forms = [questionnaires.load(f) for f in questionnaires.available()]
    return render(
        request,
        "screening/questionnaire_list.html",
        {
            "forms": [f for f in forms if f.kind in STAFF_KINDS],
            "language": _language(request),
            "form_languages": [(c, n) for c, n in settings.LANGUAGES],
        },
    )


@requires(Permission.SCREENING_RUN)
def questionnaire_fill(request: AuthenticatedRequest, form_id: str) -> HttpResponse:
    questionnaire = _questionnaire(form_id)
    language = _language(request)
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(questionnaire, language, data)
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "language": language,
        "title": questionnaire.title[language],
        "intro": questionnaire.intro[language],
    }
    if request.headers.get("HX-Request"):  # an answer changed: show the questions it makes relevant
        return render(request, "screening/_questions.html", context)
    if request.method == "POST" and form.is_valid():
        answers = {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            result = questionnaires.score(questionnaire, answers, language=language)
        except questionnaires.QuestionnaireError as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("save") == "1":
                return _save_as_report(request, questionnaire, answers, language)
            context.update({"result": result, "rows": result_rows(result), "answers": answers})
            return render(request, "screening/questionnaire_result.html", context)
    return render(request, "screening/questionnaire_fill.html", context)


def _save_as_report(
    request: AuthenticatedRequest,
    questionnaire: questionnaires.Questionnaire,
    answers: dict[str, str],
    language: str,
) -> HttpResponse:
    organisations = [
        o
        for o in accounts_selectors.organisations_of(user=request.user)
        if policy.has(request.user, Permission.REPORT_CREATE, o)
    ]
    if not organisations:
        raise policy.Denied(Permission.REPORT_CREATE)
    transcript = questionnaires.transcript(questionnaire, answers, language=language)
    try:
        report = intake_services.report_submit(
            actor=request.user,
            organisation=organisations[0],
            channel="interview",
            narrative=f"{questionnaire.title[language]}\n{transcript}",
            language=language,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("screening:questionnaires")
    messages.success(
        request, _("Saved as report R-%s; it is screened and appears in the triage queue.") % report.pk
    )
    return redirect("intake:report_detail", report_id=report.pk)


@requires(Permission.SCREENING_RUN)
def questionnaire_xlsform(request: AuthenticatedRequest, form_id: str) -> HttpResponse:
    questionnaire = _questionnaire(form_id)
    response = HttpResponse(
        questionnaires.to_xlsform(questionnaire),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tiaki_{questionnaire.id}.xlsx"'
    return response


@requires(Permission.SCREENING_RUN)
def questionnaire_import(request: AuthenticatedRequest, form_id: str) -> HttpResponse:
    """Score submissions exported from ODK or Kobo. Nothing is stored: the person decides what to report."""
    questionnaire = _questionnaire(form_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    results = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = questionnaires.read_submissions(upload.read(), filename=upload.name)
            for index, row in enumerate(rows, start=1):
                result = questionnaires.score(questionnaire, row, language=_language(request))
                results.append((questionnaires.submission_id(row, index), result, result_rows(result)))
        except (questionnaires.QuestionnaireError, ValueError, KeyError) as error:
            form.add_error("file", _("This file could not be read: %s") % error)
            results = []
    return render(
        request,
        "screening/questionnaire_import.html",
        {"questionnaire": questionnaire, "form": form, "results": results},
    )
