"""Intelligence pages: graded records, releases, entities and the link chart, networks, alerts, agencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.governance.models import SharingAgreement
from tiaki.intelligence import forms, selectors, services
from tiaki.intelligence.models import (
    AnalyticsRun,
    Entity,
    EntityKind,
    IntelRecord,
    LicenceStatus,
    RelationType,
    RunStatus,
    Watch,
)
from tiaki.web.access import AuthenticatedRequest, requires

# Attribute keys an entity may carry, with the label a page shows for each.
ATTRIBUTE_LABELS = {
    "latin_name": _lazy("Name in Latin script"),
    "dob": _lazy("Date of birth"),
    "gender": _lazy("Gender"),
    "nationality": _lazy("Nationality"),
    "role": _lazy("Role in the network"),
    "country": _lazy("Country"),
    "licence_status": _lazy("Licence status"),
}


def _or_404(load: Callable[[], Any]) -> Any:
    try:
        return load()
    except (IntelRecord.DoesNotExist, Entity.DoesNotExist, AnalyticsRun.DoesNotExist) as exc:
        raise Http404 from exc


# --- records --------------------------------------------------------------------------------------------


@requires(Permission.INTEL_VIEW)
def record_list(request: AuthenticatedRequest) -> HttpResponse:
    records = selectors.intel_record_list(user=request.user)
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/record_list.html",
        {"page": page, "can_create": policy.has(request.user, Permission.INTEL_CREATE)},
    )


@requires(Permission.INTEL_CREATE)
def record_create(request: AuthenticatedRequest) -> HttpResponse:
    organisation_ids = policy.require(request.user, Permission.INTEL_CREATE)
    form = forms.IntelRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.intel_record_create(
                actor=request.user,
                organisation=Organisation.objects.get(pk=min(organisation_ids)),
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Record %(ref)s saved.") % {"ref": record.reference})
            return redirect("intelligence:record_detail", record_id=record.pk)
    return render(request, "intelligence/record_create.html", {"form": form})


@requires(Permission.INTEL_VIEW)
def record_detail(request: AuthenticatedRequest, record_id: int) -> HttpResponse:
    view = _or_404(lambda: selectors.intel_record_read(user=request.user, record_id=record_id))
    can_release = view.original and policy.has(
        request.user, Permission.INTEL_RELEASE, view.record.originator_id
    )
    entities = selectors.entity_list(user=request.user).filter(provenance__record=view.record).distinct()
    can_edit = view.original and policy.has(request.user, Permission.INTEL_CREATE, view.record.originator_id)
    links = selectors.relation_list(user=request.user).filter(provenance__record=view.record).distinct()
    response = render(
        request,
        "intelligence/record_detail.html",
        {
            "view": view,
            "record": view.record,
            "can_release": can_release,
            "can_edit": can_edit,
            "entities": entities,
            "links": links.select_related("source", "target"),
            "entity_form": forms.RecordEntityForm(),
            "link_form": forms.RecordLinkForm(entities=entities),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Permission.INTEL_CREATE)
def record_entity_add(request: AuthenticatedRequest, record_id: int) -> HttpResponse:
    record = _or_404(lambda: selectors.intel_record_for_edit(user=request.user, record_id=record_id))
    form = forms.RecordEntityForm(request.POST)
    if form.is_valid():
        entity = services.entity_upsert(actor=request.user, record=record, **form.cleaned_data)
        messages.success(request, _("%(ref)s added to the record.") % {"ref": entity.reference})
    else:
        messages.error(request, _("Give the entity a kind and a name or value."))
    return redirect("intelligence:record_detail", record_id=record.pk)


@require_POST
@requires(Permission.INTEL_CREATE)
def record_link_add(request: AuthenticatedRequest, record_id: int) -> HttpResponse:
    record = _or_404(lambda: selectors.intel_record_for_edit(user=request.user, record_id=record_id))
    entities = selectors.entity_list(user=request.user).filter(provenance__record=record).distinct()
    form = forms.RecordLinkForm(request.POST, entities=entities)
    if form.is_valid():
        try:
            services.relation_add(
                actor=request.user,
                source=form.cleaned_data["source"],
                target=form.cleaned_data["target"],
                relation_type=form.cleaned_data["relation_type"],
                confidence=form.cleaned_data["confidence"],
                record=record,
                seen_on=record.created_at.date(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Link recorded."))
    else:
        messages.error(request, _("Choose two entities of this record, a relation and a confidence."))
    return redirect("intelligence:record_detail", record_id=record.pk)


@requires(Permission.INTEL_RELEASE)
def record_release(request: AuthenticatedRequest, record_id: int) -> HttpResponse:
    record = _or_404(lambda: selectors.intel_record_for_release(user=request.user, record_id=record_id))
    flag = "intelligence_c" if record.handling_code == "C" else "intelligence_p"
    today = timezone.localdate()
    permitted = Organisation.objects.filter(
        pk__in=SharingAgreement.objects.filter(
            provider_id=record.originator_id, active=True, valid_from__lte=today, **{flag: True}
        ).values("recipient_id")
    ).exclude(pk__in=record.releases.values("organisation_id"))
    form = forms.ReleaseForm(request.POST or None, organisations=permitted)
    if request.method == "POST" and form.is_valid():
        try:
            services.intel_record_release(
                actor=request.user, record=record, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Released to %(org)s.") % {"org": form.cleaned_data["organisation"].name}
            )
            return redirect("intelligence:record_detail", record_id=record.pk)
    return render(request, "intelligence/record_release.html", {"record": record, "form": form})


# --- entities and the link chart ------------------------------------------------------------------------


@requires(Permission.INTEL_VIEW)
def entity_list(request: AuthenticatedRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in (None, *EntityKind.values):
        kind = None
    entities = selectors.entity_list(user=request.user, kind=kind)
    page = Paginator(entities, 50).get_page(request.GET.get("page"))
    return render(
        request, "intelligence/entity_list.html", {"page": page, "kind": kind, "kinds": EntityKind.choices}
    )


@requires(Permission.INTEL_VIEW)
def entity_detail(request: AuthenticatedRequest, entity_id: int) -> HttpResponse:
    entity = _or_404(lambda: selectors.entity_get(user=request.user, entity_id=entity_id))
    agency = getattr(entity, "agency", None) if entity.kind == EntityKind.AGENCY else None
    relations = list(selectors.entity_relations(user=request.user, entity=entity))
    watching = Watch.objects.filter(user=request.user, entity=entity).values_list("kind", flat=True)
    response = render(
        request,
        "intelligence/entity_detail.html",
        {
            "entity": entity,
            # Naming another organisation as the first holder would tell a partner who holds what.
            "own_entity": entity.owner_id in policy.organisations_with(request.user, Permission.INTEL_VIEW),
            "attributes": [
                (str(ATTRIBUTE_LABELS[key]), entity.attributes[key])
                for key in ATTRIBUTE_LABELS
                if entity.attributes.get(key)
            ],
            "agency": agency,
            "relations": relations,
            "support": selectors.supporting_records(user=request.user, entity=entity),
            "can_watch": policy.has(request.user, Permission.ALERT_MANAGE),
            "watching": list(watching),
            "watch_form": forms.WatchForm(),
            "relation_types": RelationType.choices,
            "recruited_through": sum(
                1 for r in relations if r.relation_type == RelationType.RECRUITED_THROUGH
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _filters(request: AuthenticatedRequest) -> selectors.ChartFilters:
    types = frozenset(t for t in request.GET.getlist("type") if t in RelationType.values)
    try:
        since = dt.date.fromisoformat(request.GET.get("since", "")) if request.GET.get("since") else None
    except ValueError:
        since = None
    try:
        confidence = min(max(float(request.GET.get("confidence", "0") or 0), 0.0), 1.0)
    except ValueError:
        confidence = 0.0
    return selectors.ChartFilters(relation_types=types, since=since, min_confidence=confidence)


@requires(Permission.INTEL_VIEW)
def entity_graph(request: AuthenticatedRequest, entity_id: int) -> HttpResponse:
    """The link chart's data: visible nodes and edges only, filtered on the server."""
    try:
        hops = int(request.GET.get("hops", "1"))
    except ValueError:
        hops = 1
    chart = _or_404(
        lambda: selectors.ego_chart(
            user=request.user, entity_id=entity_id, hops=hops, filters=_filters(request)
        )
    )
    for node in chart["nodes"]:
        node["data"]["url"] = reverse(
            "intelligence:entity_detail", kwargs={"entity_id": node["data"]["entity"]}
        )
    response = JsonResponse(chart)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Permission.ALERT_MANAGE)
def entity_watch(request: AuthenticatedRequest, entity_id: int) -> HttpResponse:
    entity = _or_404(lambda: selectors.entity_get(user=request.user, entity_id=entity_id))
    form = forms.WatchForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else "entity"
    services.watch_create(actor=request.user, entity=entity, kind=kind)
    messages.success(request, _("You will be alerted about %(ref)s.") % {"ref": entity.reference})
    return redirect("intelligence:entity_detail", entity_id=entity.pk)


@require_POST
@requires(Permission.ALERT_MANAGE)
def entity_unwatch(request: AuthenticatedRequest, entity_id: int) -> HttpResponse:
    entity = _or_404(lambda: selectors.entity_get(user=request.user, entity_id=entity_id))
    for watch in selectors.watch_list(user=request.user).filter(entity=entity):
        services.watch_delete(actor=request.user, watch=watch)
    messages.success(request, _("You no longer watch %(ref)s.") % {"ref": entity.reference})
    return redirect("intelligence:entity_detail", entity_id=entity.pk)


# --- networks -------------------------------------------------------------------------------------------


@requires(Permission.NETWORK_VIEW)
def networks(request: AuthenticatedRequest) -> HttpResponse:
    latest = selectors.analytics_run_latest(user=request.user)
    pending = (
        selectors.analytics_run_list(user=request.user)
        .filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .first()
    )
    rows: list[dict[str, Any]] = []
    detail = None
    if latest is not None:
        listed = latest.result.get("networks", [])
        ids = [b[0] for n in listed for b in n["brokers"][:1]]
        labels = selectors.entities_by_id(user=request.user, ids=ids)
        for network in listed:
            top = network["brokers"][0][0] if network["brokers"] else None
            rows.append({**network, "top": labels.get(top) if top else None})
        wanted = request.GET.get("network")
        if wanted is not None and wanted.isdecimal():
            detail = next((n for n in listed if n["id"] == int(wanted)), None)
            if detail is None:
                raise Http404
            members = selectors.entities_by_id(user=request.user, ids=detail["members"])
            scores = latest.result.get("scores", {})
            detail = {
                **detail,
                "brokers": [(members[i], score) for i, score in detail["brokers"] if i in members],
                "members": sorted(
                    ((members[i], scores.get(str(i), [0, 0, 0])) for i in detail["members"] if i in members),
                    key=lambda pair: -pair[1][2],
                ),
                "new_members": [members[i] for i in detail["new_members"] if i in members],
                "activity": selectors.activity(user=request.user, entity_ids=detail["members"]),
            }
    return render(
        request,
        "intelligence/networks.html",
        {"latest": latest, "pending": pending, "rows": rows, "detail": detail, "path_form": forms.PathForm()},
    )


@requires(Permission.NETWORK_VIEW)
def overview_json(request: AuthenticatedRequest) -> HttpResponse:
    """Positions computed on the server for the overview map; only entities the user may see now."""
    response = JsonResponse(selectors.overview_map(user=request.user))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Permission.NETWORK_VIEW)
def analytics_start(request: AuthenticatedRequest) -> HttpResponse:
    run = services.analytics_run_start(actor=request.user)
    return redirect(f"{reverse('intelligence:networks')}?run={run.pk}")


@requires(Permission.NETWORK_VIEW)
def analytics_progress(request: AuthenticatedRequest) -> HttpResponse:
    """The progress fragment htmx polls every 2 s while a run is queued or running."""
    run_id = request.GET.get("run", "")
    if run_id.isdecimal():
        run = _or_404(lambda: selectors.analytics_run_get(user=request.user, run_id=int(run_id)))
    else:
        run = selectors.analytics_run_list(user=request.user).first()
    response = render(request, "intelligence/_progress.html", {"run": run})
    if run is not None and run.status == RunStatus.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@requires(Permission.NETWORK_VIEW)
def path(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.PathForm(request.GET or None)
    found = None
    if form.is_valid():
        found = selectors.path_between(
            user=request.user, source_id=form.cleaned_data["source"], target_id=form.cleaned_data["target"]
        )
    return render(request, "intelligence/path.html", {"form": form, "found": found})


# --- alerts and agencies --------------------------------------------------------------------------------


@requires(Permission.ALERT_MANAGE)
def alerts(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.alert_list(user=request.user)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/alerts.html",
        {
            "page": page,
            "watches": selectors.watch_list(user=request.user),
            "unread": found.filter(read_at__isnull=True).count(),
        },
    )


@require_POST
@requires(Permission.ALERT_MANAGE)
def alerts_read(request: AuthenticatedRequest) -> HttpResponse:
    for alert in selectors.alert_list(user=request.user).filter(read_at__isnull=True).select_related("watch"):
        services.alert_mark_read(actor=request.user, alert=alert)
    return redirect("intelligence:alerts")


@requires(Permission.ENTITY_VIEW)
def agencies(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *LicenceStatus.values):
        status = None
    found = selectors.agency_list(user=request.user, status=status)
    query = request.GET.get("q", "").strip()
    if query:
        found = found.filter(name__icontains=query)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    # Link an agency to its entity page only where the user may see that entity.
    linked: set[int] = set()
    if policy.has(request.user, Permission.INTEL_VIEW):
        wanted = [a.entity_id for a in page.object_list if a.entity_id]
        linked = set(
            selectors.entity_list(user=request.user).filter(pk__in=wanted).values_list("pk", flat=True)
        )
    return render(
        request,
        "intelligence/agencies.html",
        {"page": page, "status": status, "statuses": LicenceStatus.choices, "q": query, "linked": linked},
    )
