"""Programme pages: partnerships, outreach events, campaigns, courses and sessions, the frontline course."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.programmes import content, forms, kit, selectors, services
from tiaki.programmes.certificates import certificate_pdf
from tiaki.programmes.models import AgeBand, AttendeeGender, attendance_key
from tiaki.web.access import AuthenticatedRequest, public, requires

EDIT = Permission.PROGRAMME_EDIT


def _or_404(load: Callable[[], Any]) -> Any:
    try:
        return load()
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _home_organisation(request: AuthenticatedRequest) -> Organisation:
    for organisation in accounts_selectors.organisations_of(user=request.user):
        if policy.has(request.user, EDIT, organisation):
            return organisation
    raise policy.Denied(EDIT)


def _save(form: Any, action: Callable[[], Any]) -> Any:
    """Run one service call; put its validation errors on the form."""
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    return None


def _create_page(
    request: AuthenticatedRequest,
    form_class: type,
    create: Callable[..., Any],
    *,
    done: str,
    detail: str,
    title: str,
) -> HttpResponse:
    """A "new thing" page: the form, one service call on a valid POST, then the new thing's page."""
    organisation = _home_organisation(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = _save(
            form, lambda: create(actor=request.user, organisation=organisation, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, done)
            return redirect(detail, created.pk)
    return render(
        request, "programmes/form.html", {"form": form, "title": title, "organisation": organisation}
    )


@requires(Permission.PROGRAMME_VIEW)
def index(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "partnerships": selectors.partnership_list(user=request.user).count(),
        "events": selectors.outreach_event_list(user=request.user).count(),
        "campaigns": selectors.campaign_list(user=request.user).count(),
        "courses": selectors.course_list(user=request.user).count(),
        "can_edit": policy.has(request.user, EDIT),
    }
    return render(request, "programmes/index.html", context)


@public
def lessons(request: HttpRequest) -> HttpResponse:
    """The built-in frontline course, in the page's language; open to everyone, no sign-in."""
    language = get_language() or "en"
    course = content.course(language)
    return render(request, "programmes/lessons.html", {"course": course, "draft": not course.reviewed})


# Partnerships


@requires(Permission.PROGRAMME_VIEW)
def partnership_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.partnership_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/partnership_list.html",
        {"page": page, "can_edit": policy.has(request.user, EDIT)},
    )


@requires(EDIT)
def partnership_create(request: AuthenticatedRequest) -> HttpResponse:
    return _create_page(
        request,
        forms.PartnershipForm,
        services.partnership_create,
        done=_("Partnership recorded."),
        detail="programmes:partnership_detail",
        title=_("New partnership"),
    )


@requires(Permission.PROGRAMME_VIEW)
def partnership_detail(request: AuthenticatedRequest, partnership_id: int) -> HttpResponse:
    partnership = _or_404(lambda: selectors.partnership_get(user=request.user, partnership_id=partnership_id))
    can_edit = policy.has(request.user, EDIT, partnership.organisation_id)
    return render(
        request,
        "programmes/partnership_detail.html",
        {
            "partnership": partnership,
            "agreements": partnership.agreements.all(),
            "contacts": partnership.contacts.all(),
            "activities": partnership.activities.all(),
            "can_edit": can_edit,
            "agreement_form": forms.AgreementForm(),
            "contact_form": forms.ContactForm(),
            "activity_form": forms.ActivityForm(),
        },
    )


def _partnership_child(
    request: AuthenticatedRequest, partnership_id: int, form_class: type, add: Callable[..., Any], done: str
) -> HttpResponse:
    partnership = _or_404(
        lambda: selectors.partnership_get(user=request.user, partnership_id=partnership_id, permission=EDIT)
    )
    form = form_class(request.POST)
    if form.is_valid() and _save(
        form, lambda: add(actor=request.user, partnership=partnership, **form.cleaned_data)
    ):
        messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("programmes:partnership_detail", partnership.pk)


@require_POST
@requires(EDIT)
def agreement_add(request: AuthenticatedRequest, partnership_id: int) -> HttpResponse:
    return _partnership_child(
        request, partnership_id, forms.AgreementForm, services.agreement_add, _("Agreement added.")
    )


@require_POST
@requires(EDIT)
def contact_add(request: AuthenticatedRequest, partnership_id: int) -> HttpResponse:
    return _partnership_child(
        request, partnership_id, forms.ContactForm, services.contact_add, _("Contact added.")
    )


@require_POST
@requires(EDIT)
def activity_add(request: AuthenticatedRequest, partnership_id: int) -> HttpResponse:
    return _partnership_child(
        request, partnership_id, forms.ActivityForm, services.joint_activity_add, _("Joint activity added.")
    )


# Outreach events


@requires(Permission.PROGRAMME_VIEW)
def event_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.outreach_event_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "programmes/event_list.html", {"page": page, "can_edit": policy.has(request.user, EDIT)}
    )


@requires(EDIT)
def event_create(request: AuthenticatedRequest) -> HttpResponse:
    organisation = _home_organisation(request)
    form = forms.OutreachEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("att_")}
        event = _save(
            form,
            lambda: services.outreach_event_create(
                actor=request.user, organisation=organisation, attendance=form.attendance(), **data
            ),
        )
        if event is not None:
            messages.success(request, _("Outreach event recorded."))
            return redirect("programmes:event_detail", event.pk)
    return render(request, "programmes/event_form.html", {"form": form, "organisation": organisation})


@requires(Permission.PROGRAMME_VIEW)
def event_detail(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = _or_404(lambda: selectors.outreach_event_get(user=request.user, event_id=event_id))
    rows = [
        (label, [event.attendance.get(attendance_key(gender, band), 0) for band in AgeBand.values])
        for gender, label in AttendeeGender.choices
    ]
    return render(
        request,
        "programmes/event_detail.html",
        {"event": event, "attendance_rows": rows, "bands": AgeBand.choices},
    )


# Campaigns


@requires(Permission.PROGRAMME_VIEW)
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.campaign_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "programmes/campaign_list.html", {"page": page, "can_edit": policy.has(request.user, EDIT)}
    )


@requires(EDIT)
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    return _create_page(
        request,
        forms.CampaignForm,
        services.campaign_create,
        done=_("Campaign recorded."),
        detail="programmes:campaign_detail",
        title=_("New campaign"),
    )


def _campaign_page(
    request: AuthenticatedRequest, campaign: Any, import_form: Any = None, problems: list[str] | None = None
) -> HttpResponse:
    return render(
        request,
        "programmes/campaign_detail.html",
        {
            "campaign": campaign,
            "totals": selectors.campaign_totals(campaign=campaign),
            "can_edit": policy.has(request.user, EDIT, campaign.organisation_id),
            "import_form": import_form or forms.MetricsImportForm(),
            "problems": problems or [],
        },
        status=400 if problems or (import_form is not None and import_form.errors) else 200,
    )


@requires(Permission.PROGRAMME_VIEW)
def campaign_detail(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    campaign = _or_404(lambda: selectors.campaign_get(user=request.user, campaign_id=campaign_id))
    return _campaign_page(request, campaign)


@require_POST
@requires(EDIT)
def campaign_metrics_import(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    campaign = _or_404(
        lambda: selectors.campaign_get(user=request.user, campaign_id=campaign_id, permission=EDIT)
    )
    form = forms.MetricsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file to import."))
        return redirect("programmes:campaign_detail", campaign.pk)
    try:
        text = form.cleaned_data["file"].read(5_000_000).decode("utf-8")
    except UnicodeDecodeError:
        return _campaign_page(request, campaign, form, [_("The file is not UTF-8 text.")])
    try:
        count = services.campaign_metrics_import(actor=request.user, campaign=campaign, text=text)
    except services.MetricsFileError as error:
        return _campaign_page(request, campaign, form, error.messages)
    messages.success(request, _("Imported %d rows.") % count)
    return redirect("programmes:campaign_detail", campaign.pk)


# Courses, sessions, participants


@requires(Permission.PROGRAMME_VIEW)
def course_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.course_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request, "programmes/course_list.html", {"page": page, "can_edit": policy.has(request.user, EDIT)}
    )


@requires(EDIT)
def course_create(request: AuthenticatedRequest) -> HttpResponse:
    return _create_page(
        request,
        forms.CourseForm,
        services.course_create,
        done=_("Course created."),
        detail="programmes:course_detail",
        title=_("New course"),
    )


@requires(Permission.PROGRAMME_VIEW)
def course_detail(request: AuthenticatedRequest, course_id: int) -> HttpResponse:
    course = _or_404(lambda: selectors.course_get(user=request.user, course_id=course_id))
    return render(
        request,
        "programmes/course_detail.html",
        {
            "course": course,
            "sessions": course.sessions.all(),
            "can_edit": policy.has(request.user, EDIT, course.organisation_id),
            "session_form": forms.SessionForm(),
        },
    )


@require_POST
@requires(EDIT)
def session_create(request: AuthenticatedRequest, course_id: int) -> HttpResponse:
    course = _or_404(lambda: selectors.course_get(user=request.user, course_id=course_id, permission=EDIT))
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        session = _save(
            form, lambda: services.session_create(actor=request.user, course=course, **form.cleaned_data)
        )
        if session is not None:
            messages.success(request, _("Session added."))
            return redirect("programmes:session_detail", session.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("programmes:course_detail", course.pk)


@requires(Permission.PROGRAMME_VIEW)
def session_detail(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = _or_404(lambda: selectors.session_get(user=request.user, session_id=session_id))
    return render(
        request,
        "programmes/session_detail.html",
        {
            "session": session,
            "scores": selectors.session_scores(user=request.user, session=session),
            "can_edit": policy.has(request.user, EDIT, session.course.organisation_id),
            "participant_form": forms.ParticipantForm(),
        },
    )


@require_POST
@requires(EDIT)
def participant_enrol(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = _or_404(
        lambda: selectors.session_get(user=request.user, session_id=session_id, permission=EDIT)
    )
    form = forms.ParticipantForm(request.POST)
    if form.is_valid() and _save(
        form, lambda: services.participant_enrol(actor=request.user, session=session, **form.cleaned_data)
    ):
        messages.success(request, _("Participant enrolled."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("programmes:session_detail", session.pk)


@requires(EDIT)
def knowledge_test(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = _or_404(
        lambda: selectors.participant_get(user=request.user, participant_id=participant_id, permission=EDIT)
    )
    test = content.knowledge_test()
    language = participant.session.language
    form = forms.KnowledgeTestForm(request.POST or None, language=language, questions=test.questions)
    if request.method == "POST" and form.is_valid():
        result = _save(
            form,
            lambda: services.knowledge_test_record(
                actor=request.user,
                participant=participant,
                kind=form.cleaned_data["kind"],
                answers=form.answers(),
            ),
        )
        if result is not None:
            messages.success(request, _("Score: %(c)d of %(t)d.") % {"c": result.correct, "t": result.total})
            return redirect("programmes:session_detail", participant.session_id)
    return render(
        request,
        "programmes/knowledge_test.html",
        {"participant": participant, "form": form, "language": language, "version": test.version},
    )


@requires(Permission.PROGRAMME_VIEW)
def certificate(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = _or_404(lambda: selectors.participant_get(user=request.user, participant_id=participant_id))
    pdf = certificate_pdf(actor=request.user, participant=participant)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{participant.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Campaign kit


def _kit_message(request: AuthenticatedRequest, language: str) -> kit.Message:
    with translation.override(language):
        report_url = request.build_absolute_uri(reverse("community:report"))
    try:
        return kit.message(language, report_url)
    except kit.KitError as exc:
        raise Http404 from exc


@requires(Permission.PROGRAMME_VIEW)
def campaign_kit(request: AuthenticatedRequest) -> HttpResponse:
    languages = [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]
    return render(request, "programmes/kit.html", {"kit_languages": languages, "formats": list(kit.FORMATS)})


@requires(Permission.PROGRAMME_VIEW)
def campaign_kit_image(request: AuthenticatedRequest, language: str, kind: str) -> HttpResponse:
    if kind not in kit.FORMATS:
        raise Http404
    response = HttpResponse(kit.render_image(_kit_message(request, language), kind), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="tiaki-{language}-{kind}.png"'
    return response


@requires(Permission.PROGRAMME_VIEW)
def campaign_kit_poster(request: AuthenticatedRequest, language: str) -> HttpResponse:
    response = HttpResponse(
        kit.render_poster(_kit_message(request, language)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="tiaki-{language}-poster.pdf"'
    return response
