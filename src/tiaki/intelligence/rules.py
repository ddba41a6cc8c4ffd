"""Policy rules for intelligence: records follow originator and releases; the graph follows its provenance.

An entity or relation is visible only through a supporting report or record the user may see, so a partner
learns of a person, phone or link only from intelligence that was actually released to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.intelligence.models import (
    Agency,
    Alert,
    AnalyticsRun,
    Entity,
    IntelRecord,
    Provenance,
    Relation,
    Release,
    Watch,
)


def records_visible_q(intel_orgs: frozenset[int] | set[int]) -> Q:
    released = Release.objects.filter(organisation__in=intel_orgs).values("record_id")
    return Q(originator__in=intel_orgs) | Q(pk__in=released)


def visible_provenance(user: Any) -> QuerySet[Provenance]:
    """Provenance rows whose supporting report or record this user may see.

    Reports count for organisations where the user reviews entities (they hold the report); records count
    where the user may read intelligence (originated there or released there). Computed from memberships
    only, so background jobs (alerts) can ask the same question without a request.
    """
    report_orgs = policy.organisations_with(user, Permission.ENTITY_VIEW)
    intel_orgs = policy.organisations_with(user, Permission.INTEL_VIEW)
    records = IntelRecord.objects.filter(records_visible_q(intel_orgs)).values("pk")
    return Provenance.objects.filter(
        Q(report__isnull=False, organisation__in=report_orgs) | Q(record__in=records)
    )


def visible_entities(user: Any) -> QuerySet[Entity]:
    return Entity.objects.filter(
        pk__in=visible_provenance(user).filter(entity__isnull=False).values("entity")
    )


def visible_relations(user: Any) -> QuerySet[Relation]:
    entities = visible_entities(user).values("pk")
    supported = visible_provenance(user).filter(relation__isnull=False).values("relation")
    return Relation.objects.filter(pk__in=supported, source__in=entities, target__in=entities)


@policy.rule(IntelRecord)
def _records(context: policy.Context) -> Q:
    return records_visible_q(context.organisation_ids)


@policy.rule(Release)
def _releases(context: policy.Context) -> Q:
    return Q(record__originator__in=context.organisation_ids) | Q(organisation__in=context.organisation_ids)


@policy.rule(Provenance)
def _provenance(context: policy.Context) -> Q:
    return Q(pk__in=visible_provenance(context.user).values("pk"))


@policy.rule(Entity)
def _entities(context: policy.Context) -> Q:
    return Q(pk__in=visible_provenance(context.user).filter(entity__isnull=False).values("entity"))


@policy.rule(Relation)
def _relations(context: policy.Context) -> Q:
    # A visible link between an entity you may see and one you may not would still reveal the hidden one:
    # both ends must be visible in their own right.
    return Q(pk__in=visible_relations(context.user).values("pk"))


# The register holds licence facts that are public anyway; nothing in it is intelligence.
policy.rule(Agency)(lambda context: Q())


@policy.rule(Watch)
def _watches(context: policy.Context) -> Q:
    return Q(user=context.user)


@policy.rule(Alert)
def _alerts(context: policy.Context) -> Q:
    return Q(watch__user=context.user)


@policy.rule(AnalyticsRun)
def _runs(context: policy.Context) -> Q:
    return Q(requested_by=context.user)
