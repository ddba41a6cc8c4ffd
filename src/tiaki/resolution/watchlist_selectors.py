"""Reads of watchlist screenings and hits through the policy layer, and what a screening may match against."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Q

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intelligence.models import Entity, EntityKind, IntelRecord, Provenance
from tiaki.intelligence.rules import records_visible_q
from tiaki.resolution.models import HitDecisionValue, WatchlistHit, WatchlistScreening


def screening_list(*, user: Any) -> models.QuerySet[WatchlistScreening]:
    # The waiting list itself is never needed to show a screening: leave it encrypted and unread.
    return policy.scoped(
        user, Permission.WATCHLIST_SCREEN, WatchlistScreening.objects.defer("pending_rows")
    ).select_related("created_by")


def screening_get(*, user: Any, screening_id: int) -> WatchlistScreening:
    return screening_list(user=user).get(pk=screening_id)


def screening_hits(
    *, user: Any, screening: WatchlistScreening, include_rejected: bool = True
) -> models.QuerySet[WatchlistHit]:
    hits = policy.scoped(user, Permission.WATCHLIST_SCREEN, WatchlistHit.objects.filter(screening=screening))
    if not include_rejected:
        hits = hits.exclude(decision=HitDecisionValue.REJECTED)
    return hits.select_related("entity")


def screening_read(*, user: Any, screening_id: int) -> WatchlistScreening:
    """A screening whose hits (listed people's details) are about to be shown: the read is audited."""
    screening = screening_get(user=user, screening_id=screening_id)
    if screening.hits:
        with transaction.atomic():
            audit.record(
                actor=user,
                action="watchlist.read",
                target=screening,
                organisation=screening.organisation_id,
                details={"hits": screening.hits},
            )
    return screening


def hit_get(*, user: Any, hit_id: int) -> WatchlistHit:
    return (
        policy.scoped(user, Permission.WATCHLIST_SCREEN, WatchlistHit.objects.all())
        .select_related("screening", "entity")
        .get(pk=hit_id)
    )


def screening_entities(*, user: Any, organisation_id: int) -> models.QuerySet[Entity]:
    """The person entities a screening by `user` for `organisation_id` is matched against.

    The same provenance rule as intelligence's entity visibility (intelligence.rules.visible_provenance),
    narrowed to the screening's organisation: an entity counts only through a report that organisation
    holds or a record originated by or released to it — and only while the user still holds the
    permissions there. Computed from memberships, so the background worker asks it without a request.
    """
    report_orgs = policy.organisations_with(user, Permission.ENTITY_VIEW) & {organisation_id}
    intel_orgs = policy.organisations_with(user, Permission.INTEL_VIEW) & {organisation_id}
    if not report_orgs and not intel_orgs:
        return Entity.objects.none()
    records = IntelRecord.objects.filter(records_visible_q(intel_orgs)).values("pk")
    provenance = Provenance.objects.filter(
        Q(report__isnull=False, organisation__in=report_orgs) | Q(record__in=records), entity__isnull=False
    )
    return Entity.objects.filter(kind=EntityKind.PERSON, pk__in=provenance.values("entity"))
