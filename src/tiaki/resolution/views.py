"""Pages of entity resolution: the review queue of uncertain links, an entity's mentions, split."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tiaki.accounts.permissions import Permission
from tiaki.intelligence.models import Entity
from tiaki.resolution import selectors, services
from tiaki.resolution.models import EntityLink, LinkDecision, Mention
from tiaki.web.access import AuthenticatedRequest, requires

# The contract attributes of a mention, with the label a page shows for each.
ATTRIBUTE_LABELS = {
    "name": _lazy("Name"),
    "dob": _lazy("Date of birth"),
    "gender": _lazy("Gender"),
    "nationality": _lazy("Nationality"),
    "phone": _lazy("Phone"),
    "email": _lazy("Email"),
    "id_number": _lazy("Document number"),
    "address": _lazy("Address"),
}


def labelled(attributes: dict[str, str]) -> list[tuple[Any, str]]:
    return [(label, attributes[key]) for key, label in ATTRIBUTE_LABELS.items() if attributes.get(key)]


def _or_404(load: Callable[[], Any]) -> Any:
    try:
        return load()
    except (EntityLink.DoesNotExist, Mention.DoesNotExist, Entity.DoesNotExist) as exc:
        raise Http404 from exc


def _first_error(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else _("That did not work.")


@requires(Permission.ENTITY_REVIEW)
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(user=request.user), 20).get_page(request.GET.get("page"))
    pairs = selectors.review_pairs(user=request.user, links=list(page.object_list))
    rows = [[(ATTRIBUTE_LABELS[key], mine, theirs) for key, mine, theirs in pair.rows] for pair in pairs]
    return render(
        request, "resolution/review.html", {"page": page, "pairs": list(zip(pairs, rows, strict=True))}
    )


@require_POST
@requires(Permission.ENTITY_REVIEW)
def link_decide(request: AuthenticatedRequest, link_id: int) -> HttpResponse:
    link = _or_404(lambda: selectors.link_get(user=request.user, link_id=link_id))
    error = ""
    try:
        link = services.entity_link_decide(
            actor=request.user, link=link, decision=request.POST.get("decision", "")
        )
    except ValidationError as exc:
        error = _first_error(exc)
    if request.headers.get("HX-Request"):
        return render(request, "resolution/_decided.html", {"link": link, "error": error})
    if error:
        messages.error(request, error)
    elif link.decision == LinkDecision.CONFIRMED:
        messages.success(request, _("Merged into %(ref)s.") % {"ref": link.entity.reference})
    else:
        messages.success(request, _("Kept apart."))
    return redirect("resolution:review")


@requires(Permission.ENTITY_REVIEW)
def entity_mentions(request: AuthenticatedRequest, entity_id: int) -> HttpResponse:
    entity = _or_404(lambda: selectors.entity_get(user=request.user, entity_id=entity_id))
    mentions = selectors.entity_mentions(user=request.user, entity=entity)
    rows = [(mention, labelled(mention.attributes)) for mention in mentions]
    return render(
        request,
        "resolution/entity_mentions.html",
        {"entity": entity, "rows": rows, "can_split": len(mentions) > 1},
    )


@require_POST
@requires(Permission.ENTITY_REVIEW)
def mention_split(request: AuthenticatedRequest, mention_id: int) -> HttpResponse:
    mention = _or_404(lambda: selectors.mention_get(user=request.user, mention_id=mention_id))
    old = EntityLink.objects.filter(mention=mention).values_list("entity_id", flat=True).first()
    try:
        new = services.mention_split(actor=request.user, mention=mention)
    except (ValidationError, EntityLink.DoesNotExist) as exc:
        messages.error(
            request, _first_error(exc) if isinstance(exc, ValidationError) else _("Not resolved yet.")
        )
        if old is None:
            return redirect("resolution:review")
        return redirect("resolution:entity_mentions", entity_id=old)
    messages.success(request, _("Moved to a new entity, %(ref)s.") % {"ref": new.reference})
    return redirect("resolution:entity_mentions", entity_id=new.pk)
