"""Case work pages: lists, the case page with its actions, referrals, safe return, shelters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiaki.accounts import selectors as accounts_selectors
from tiaki.accounts.permissions import Permission
from tiaki.cases import forms, selectors, services
from tiaki.cases.models import (
    Case,
    Consent,
    Placement,
    ReferralStatus,
    ReturnPlan,
    ReturnStep,
)
from tiaki.cases.vocab import CaseStatus
from tiaki.governance import files, policy
from tiaki.intake import selectors as intake_selectors
from tiaki.web.access import AuthenticatedRequest, requires


def _or_404(load: Callable[[], Any]) -> Any:
    """Load through a selector; "does not exist" and "not yours" look the same to the caller."""
    try:
        return load()
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _visible_case(request: AuthenticatedRequest, case_id: int) -> Case:
    return _or_404(lambda: selectors.case_get(user=request.user, case_id=case_id))


def _act(request: AuthenticatedRequest, action: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run one service call; show its validation message instead of failing."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


@requires(Permission.CASE_VIEW)
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *CaseStatus.values):
        status = None
    child = {"1": True, "0": False}.get(request.GET.get("child", ""))
    cases = selectors.case_list(user=request.user, status=status, child=child)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "status": status, "statuses": CaseStatus.choices, "child": child},
    )


@requires(Permission.CASE_EDIT)
def case_open(request: AuthenticatedRequest) -> HttpResponse:
    report = None
    if request.GET.get("report"):
        report = _or_404(
            lambda: intake_selectors.report_get(user=request.user, report_id=int(request.GET["report"]))
        )
    organisations = [
        o
        for o in accounts_selectors.organisations_of(user=request.user)
        if policy.has(request.user, Permission.CASE_EDIT, o)
    ]
    form = forms.CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=request.user,
                organisation=organisations[0],
                identity=form.identity(),
                gender=data["gender"],
                citizenship=data["citizenship"],
                is_child=data["is_child"],
                trafficking_status=data["trafficking_status"],
                type_of_exploitation=data["type_of_exploitation"],
                methods_of_control=data["methods_of_control"],
                location_of_recruitment=data["location_of_recruitment"],
                location_of_exploitation=data["location_of_exploitation"],
                source_report=report,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Case %s opened.") % case.reference)
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "cases/case_open.html", {"form": form, "report": report, "organisation": organisations[0]}
    )


@requires(Permission.CASE_VIEW)
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    view = _or_404(lambda: selectors.case_read(user=request.user, case_id=case_id))
    case = view.case
    parts = view.access.parts
    context = {
        "view": view,
        "case": case,
        "parts": parts,
        "can_edit": view.access.can_edit,
        "owner": view.access.owner,
        "can_approve": policy.has(request.user, Permission.CASE_APPROVE, case.organisation_id),
        "can_refer": view.access.owner
        and policy.has(request.user, Permission.REFERRAL_SEND, case.organisation_id),
        "consents": case.consents.select_related("organisation") if view.access.owner else [],
        "referrals": case.referrals.select_related("to_organisation") if view.access.owner else [],
        "events": case.events.all() if "events" in parts else [],
        "assessments": case.assessments.all() if "needs" in parts else [],
        "plans": case.support_plans.select_related("provider").prefetch_related("deliveries")
        if "needs" in parts
        else [],
        "return_plan": ReturnPlan.objects.filter(case=case).prefetch_related("steps").first()
        if "return" in parts
        else None,
        "follow_ups": case.follow_ups.all() if "return" in parts else [],
        "notes": case.notes.select_related("author") if view.access.can_edit else [],
        "tasks": case.tasks.select_related("assigned_to") if view.access.can_edit else [],
        "attachments": case.attachments.all() if view.access.can_edit else [],
        "task_form": forms.TaskForm(),
        "perpetrators": selectors.perpetrators_visible(user=request.user, case=case),
        "can_link_perpetrators": view.access.can_edit and policy.has(request.user, Permission.INTEL_VIEW),
        "perpetrator_form": forms.PerpetratorForm(),
        "attachment_form": forms.AttachmentForm(),
        "consent_form": forms.ConsentForm(),
        "note_form": forms.NoteForm(),
        "close_form": forms.CloseForm(),
        "event_form": forms.EventForm(),
        "assessment_form": forms.AssessmentForm(),
        "plan_form": forms.SupportPlanForm(),
        "done_form": forms.DoneForm(),
    }
    return render(request, "cases/case_detail.html", context)


@require_POST
@requires(Permission.CASE_EDIT)
def consent_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the survivor consents to."))
        return redirect(case_detail_url(case))
    return _act(
        request,
        lambda: services.consent_record(
            actor=request.user,
            case=case,
            purpose=form.cleaned_data["purpose"],
            organisation=form.cleaned_data["organisation"],
        ),
        _("Consent recorded."),
        case_detail_url(case),
    )


@require_POST
@requires(Permission.CASE_EDIT)
def consent_withdraw(request: AuthenticatedRequest, consent_id: int) -> HttpResponse:
    consent = _or_404(
        lambda: Consent.objects.select_related("case").get(
            pk=consent_id, case__in=selectors.case_list(user=request.user)
        )
    )
    return _act(
        request,
        lambda: services.consent_withdraw(actor=request.user, consent=consent),
        _("Consent withdrawn."),
        case_detail_url(consent.case),
    )


@requires(Permission.REFERRAL_SEND)
def refer(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_send(
                actor=request.user,
                case=case,
                to_organisation=data["to_organisation"],
                reason=data["reason"],
                shared_parts=data["shared_parts"],
                details=data["details"],
                is_transfer=data["is_transfer"],
                consent_override_reason=data["consent_override_reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Referral sent."))
            return redirect(case_detail_url(case))
    return render(request, "cases/refer.html", {"form": form, "case": case})


@requires(Permission.REFERRAL_RECEIVE)
def referrals_incoming(request: AuthenticatedRequest) -> HttpResponse:
    referrals = selectors.referral_list(user=request.user, direction="incoming")
    return render(request, "cases/referral_list.html", {"referrals": referrals, "incoming": True})


@requires(Permission.REFERRAL_SEND)
def referrals_outgoing(request: AuthenticatedRequest) -> HttpResponse:
    referrals = selectors.referral_list(user=request.user, direction="outgoing")
    return render(request, "cases/referral_list.html", {"referrals": referrals, "incoming": False})


@requires(Permission.REFERRAL_RECEIVE)
def referral_detail(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral, identity = _or_404(lambda: selectors.referral_read(user=request.user, referral_id=referral_id))
    receiving = referral.to_organisation_id in policy.organisations_with(
        request.user, Permission.REFERRAL_RECEIVE
    )
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "identity": identity,
            "identity_rows": selectors.identity_rows(identity),
            "receiving": receiving,
            "case": referral.case,
            "pending": referral.status == ReferralStatus.PENDING,
        },
    )


@require_POST
@requires(Permission.REFERRAL_RECEIVE)
def referral_respond(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral = _or_404(
        lambda: selectors.referral_list(user=request.user, direction="incoming").get(pk=referral_id)
    )
    accept = request.POST.get("decision") == "accept"
    return _act(
        request,
        lambda: services.referral_respond(actor=request.user, referral=referral, accept=accept),
        _("Referral accepted.") if accept else _("Referral declined."),
        reverse("cases:referral_detail", kwargs={"referral_id": referral.pk}),
    )


@require_POST
@requires(Permission.REFERRAL_SEND)
def referral_revoke(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral = _or_404(
        lambda: selectors.referral_list(user=request.user, direction="outgoing").get(pk=referral_id)
    )
    return _act(
        request,
        lambda: services.referral_revoke(actor=request.user, referral=referral),
        _("Referral revoked."),
        case_detail_url(referral.case),
    )


@requires(Permission.CASE_EDIT)
def return_plan(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.ReturnPlanForm(
        request.POST or None,
        initial={"from_country": case.location_of_exploitation, "to_country": case.citizenship},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.return_plan_create(
                actor=request.user,
                case=case,
                from_country=data["from_country"],
                to_country=data["to_country"],
                receiving_organisation=data["receiving_organisation"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Return plan created."))
            return redirect(case_detail_url(case))
    return render(request, "cases/return_plan.html", {"form": form, "case": case})


@require_POST
@requires(Permission.CASE_EDIT)
def return_step_done(request: AuthenticatedRequest, step_id: int) -> HttpResponse:
    step = _or_404(
        lambda: ReturnStep.objects.select_related("plan__case", "plan__receiving_organisation").get(
            pk=step_id, plan__case__in=selectors.case_list(user=request.user)
        )
    )
    form = forms.DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the step was done."))
        return redirect(case_detail_url(step.plan.case))
    return _act(
        request,
        lambda: services.return_step_complete(
            actor=request.user,
            step=step,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        ),
        _("Step recorded."),
        case_detail_url(step.plan.case),
    )


@require_POST
@requires(Permission.CASE_EDIT)
def follow_up_done(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    follow_up = _or_404(lambda: selectors.follow_ups_due(user=request.user).get(pk=follow_up_id))
    form = forms.DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the follow-up."))
        return redirect(case_detail_url(follow_up.case))
    return _act(
        request,
        lambda: services.follow_up_complete(
            actor=request.user,
            follow_up=follow_up,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        ),
        _("Follow-up recorded."),
        case_detail_url(follow_up.case),
    )


@requires(Permission.CASE_EDIT)
def follow_ups(request: AuthenticatedRequest) -> HttpResponse:
    due = selectors.follow_ups_due(user=request.user).filter(done_on__isnull=True)
    return render(request, "cases/follow_ups.html", {"follow_ups": due, "today": selectors.today()})


def _case_post(form_class: type[Any], call: Callable[..., Any], done: str) -> Callable[..., HttpResponse]:
    """A POST action on one visible case that validates a form and calls one service."""

    def view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
        case = _visible_case(request, case_id)
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(case_detail_url(case))
        return _act(
            request,
            lambda: call(actor=request.user, case=case, **form.cleaned_data),
            str(done),
            case_detail_url(case),
        )

    return view


note_add = require_POST(
    requires(Permission.CASE_EDIT)(_case_post(forms.NoteForm, services.note_add, _("Note added.")))
)
event_add = require_POST(
    requires(Permission.CASE_EDIT)(_case_post(forms.EventForm, services.event_add, _("Event added.")))
)
assessment_add = require_POST(
    requires(Permission.CASE_EDIT)(
        _case_post(forms.AssessmentForm, services.assessment_record, _("Assessment recorded."))
    )
)
close = require_POST(
    requires(Permission.CASE_APPROVE)(_case_post(forms.CloseForm, services.case_close, _("Case closed.")))
)


@require_POST
@requires(Permission.CASE_EDIT)
def support_plan_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.SupportPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the support plan entry."))
        return redirect(case_detail_url(case))
    provider = case.organisation
    return _act(
        request,
        lambda: services.support_plan_add(
            actor=request.user, case=case, provider=provider, **form.cleaned_data
        ),
        _("Support plan entry added."),
        case_detail_url(case),
    )


@require_POST
@requires(Permission.CASE_APPROVE)
def support_plan_approve(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = _or_404(lambda: selectors.support_plan_get(user=request.user, plan_id=plan_id))
    return _act(
        request,
        lambda: services.support_plan_approve(actor=request.user, plan=plan),
        _("Support plan approved."),
        case_detail_url(plan.case),
    )


@require_POST
@requires(Permission.CASE_APPROVE)
def best_interests(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    return _act(
        request,
        lambda: services.best_interests_approve(actor=request.user, case=case),
        _("Best-interests decision approved."),
        case_detail_url(case),
    )


@requires(Permission.SHELTER_VIEW)
def shelters(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "cases/shelters.html", {"shelters": selectors.shelter_list(user=request.user)})


@requires(Permission.SHELTER_VIEW)
def shelter_detail(request: AuthenticatedRequest, shelter_id: int) -> HttpResponse:
    shelter = _or_404(lambda: selectors.shelter_list(user=request.user).get(pk=shelter_id))
    residents = shelter.placements.filter(ended_on__isnull=True).select_related("case")
    waiting = selectors.cases_awaiting_placement(user=request.user, shelter=shelter)
    return render(
        request,
        "cases/shelter_detail.html",
        {
            "shelter": shelter,
            "residents": residents,
            "waiting": waiting,
            "can_manage": policy.has(request.user, Permission.SHELTER_MANAGE, shelter.organisation_id),
            "form": forms.PlacementForm(),
        },
    )


@require_POST
@requires(Permission.SHELTER_MANAGE)
def placement_start(request: AuthenticatedRequest, shelter_id: int) -> HttpResponse:
    shelter = _or_404(lambda: selectors.shelter_list(user=request.user).get(pk=shelter_id))
    form = forms.PlacementForm(request.POST)
    back = reverse("cases:shelter_detail", kwargs={"shelter_id": shelter.pk})
    if not form.is_valid():
        messages.error(request, _("Give the date of arrival."))
        return redirect(back)
    case = _or_404(
        lambda: selectors.cases_awaiting_placement(user=request.user, shelter=shelter).get(
            pk=form.cleaned_data["case_id"]
        )
    )
    return _act(
        request,
        lambda: services.placement_start(
            actor=request.user, case=case, shelter=shelter, started_on=form.cleaned_data["started_on"]
        ),
        _("Resident admitted."),
        back,
    )


@require_POST
@requires(Permission.SHELTER_MANAGE)
def placement_end(request: AuthenticatedRequest, placement_id: int) -> HttpResponse:
    placement = _or_404(
        lambda: Placement.objects.select_related("shelter").get(
            pk=placement_id, shelter__in=selectors.shelter_list(user=request.user)
        )
    )
    form = forms.DoneForm(request.POST)
    back = reverse("cases:shelter_detail", kwargs={"shelter_id": placement.shelter_id})
    if not form.is_valid():
        messages.error(request, _("Give the date the resident left."))
        return redirect(back)
    return _act(
        request,
        lambda: services.placement_end(
            actor=request.user, placement=placement, ended_on=form.cleaned_data["done_on"]
        ),
        _("Departure recorded."),
        back,
    )


def case_detail_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


@require_POST
@requires(Permission.CASE_EDIT)
def attachment_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to attach."))
        return redirect(case_detail_url(case))
    upload = form.cleaned_data["file"]
    if upload.size > files.MAX_BYTES:
        messages.error(request, _("The file is larger than 10 MB."))
        return redirect(case_detail_url(case))
    return _act(
        request,
        lambda: services.attachment_add(
            actor=request.user, case=case, filename=upload.name, data=upload.read()
        ),
        _("Photo attached (location and camera details removed)."),
        case_detail_url(case),
    )


@requires(Permission.CASE_EDIT)
def attachment_download(request: AuthenticatedRequest, attachment_id: int) -> HttpResponse:
    attachment, data = _or_404(
        lambda: selectors.attachment_read(user=request.user, attachment_id=attachment_id)
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Permission.CASE_EDIT)
def task_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the task and its due date."))
        return redirect(case_detail_url(case))
    return _act(
        request,
        lambda: services.task_add(
            actor=request.user, case=case, assigned_to=request.user, **form.cleaned_data
        ),
        _("Task added."),
        case_detail_url(case),
    )


@require_POST
@requires(Permission.CASE_EDIT)
def task_done(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    task = _or_404(lambda: selectors.task_get(user=request.user, task_id=task_id))
    return _act(
        request,
        lambda: services.task_done(actor=request.user, task=task),
        _("Task done."),
        case_detail_url(task.case),
    )


@requires(Permission.CASE_APPROVE)
def approvals(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "cases/approvals.html", selectors.approvals_waiting(user=request.user))


@require_POST
@requires(Permission.CASE_EDIT)
def service_add(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = _or_404(lambda: selectors.support_plan_get(user=request.user, plan_id=plan_id))
    form = forms.DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the service was delivered."))
        return redirect(case_detail_url(plan.case))
    return _act(
        request,
        lambda: services.service_delivered(
            actor=request.user,
            plan=plan,
            delivered_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
        ),
        _("Service recorded."),
        case_detail_url(plan.case),
    )


@require_POST
@requires(Permission.INTEL_VIEW)
def perpetrator_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = forms.PerpetratorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give an entity reference such as E-000123 and a role."))
        return redirect(case_detail_url(case))
    try:
        services.perpetrator_link(
            actor=request.user, case=case, entity_id=form.entity_id(), role=form.cleaned_data["role"]
        )
    except ObjectDoesNotExist:
        messages.error(request, _("No entity with that reference is visible to you."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Perpetrator linked."))
    return redirect(case_detail_url(case))
