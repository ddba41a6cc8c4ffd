"""Watchlist screening pages: upload a list, follow its progress, confirm or reject its hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiaki.accounts.permissions import Permission
from tiaki.resolution import watchlist_selectors as selectors
from tiaki.resolution import watchlist_services as services
from tiaki.resolution.models import HitDecisionValue, ScreeningStatus, WatchlistHit, WatchlistScreening
from tiaki.resolution.watchlist_forms import ScreeningUploadForm
from tiaki.web.access import AuthenticatedRequest, requires


def _or_404(load: Callable[[], Any]) -> Any:
    try:
        return load()
    except (WatchlistScreening.DoesNotExist, WatchlistHit.DoesNotExist) as exc:
        raise Http404 from exc


@requires(Permission.WATCHLIST_SCREEN)
def screening_list(request: AuthenticatedRequest) -> HttpResponse:
    """The organisation's screenings, and the upload of a new list (refused whole, with the line, if bad)."""
    form = ScreeningUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.list_rows_from_csv(form.cleaned_data["file"])
            screening = services.watchlist_screening_create(
                actor=request.user, title=form.cleaned_data["title"], rows=rows
            )
        except ValidationError as error:
            for field, problems in getattr(error, "error_dict", {"file": error.messages}).items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The list is being screened."))
            return redirect("resolution:watchlist_screening", screening_id=screening.pk)
    page = Paginator(selectors.screening_list(user=request.user), 25).get_page(request.GET.get("page"))
    response = render(
        request,
        "resolution/watchlist_list.html",
        {"form": form, "page": page},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.WATCHLIST_SCREEN)
def screening_detail(request: AuthenticatedRequest, screening_id: int) -> HttpResponse:
    screening = _or_404(lambda: selectors.screening_read(user=request.user, screening_id=screening_id))
    show_rejected = request.GET.get("rejected") == "1"
    all_hits = selectors.screening_hits(user=request.user, screening=screening)
    rejected = all_hits.filter(decision=HitDecisionValue.REJECTED).count()
    hits = all_hits if show_rejected else all_hits.exclude(decision=HitDecisionValue.REJECTED)
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    response = render(
        request,
        "resolution/watchlist_detail.html",
        {"screening": screening, "page": page, "rejected": rejected, "show_rejected": show_rejected},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Permission.WATCHLIST_SCREEN)
def screening_progress(request: AuthenticatedRequest, screening_id: int) -> HttpResponse:
    """The progress fragment htmx polls every 2 s while a screening is queued or running."""
    screening = _or_404(lambda: selectors.screening_get(user=request.user, screening_id=screening_id))
    response = render(request, "resolution/watchlist_progress.html", {"screening": screening})
    if screening.status in (ScreeningStatus.DONE, ScreeningStatus.FAILED) and request.headers.get(
        "HX-Request"
    ):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@requires(Permission.WATCHLIST_SCREEN)
def hit_decide(request: AuthenticatedRequest, hit_id: int) -> HttpResponse:
    hit = _or_404(lambda: selectors.hit_get(user=request.user, hit_id=hit_id))
    try:
        services.watchlist_hit_decide(actor=request.user, hit=hit, decision=request.POST.get("decision", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.headers.get("HX-Request"):
        return render(request, "resolution/watchlist_hit.html", {"hit": hit})
    return redirect("resolution:watchlist_screening", screening_id=hit.screening_id)
