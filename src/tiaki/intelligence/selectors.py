"""Reads of intelligence through the policy layer. Record reads are audited; the graph follows provenance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intelligence import analytics
from tiaki.intelligence.models import (
    Agency,
    Alert,
    AnalyticsRun,
    Entity,
    IntelRecord,
    LicenceStatus,
    Provenance,
    Relation,
    Release,
    RunStatus,
    Watch,
)
from tiaki.intelligence.services import name_key

# --- records --------------------------------------------------------------------------------------------


def intel_record_list(*, user: Any) -> models.QuerySet[IntelRecord]:
    # Lists show title and grading only; the texts stay encrypted and unread until a record is opened.
    return policy.scoped(
        user,
        Permission.INTEL_VIEW,
        IntelRecord.objects.select_related("originator").defer("text", "sanitised_text"),
    )


@dataclass
class RecordView:
    record: IntelRecord
    original: bool  # the reader acts for the originator and sees the full text
    text: str
    releases: list[Release]


def intel_record_read(*, user: Any, record_id: int) -> RecordView:
    """One record as this user may read it: originators see the text, recipients only the sanitised text."""
    record = policy.scoped(user, Permission.INTEL_VIEW, IntelRecord.objects.select_related("originator")).get(
        pk=record_id
    )
    intel_orgs = policy.organisations_with(user, Permission.INTEL_VIEW)
    original = record.originator_id in intel_orgs
    releases = (
        list(record.releases.select_related("organisation", "released_by"))
        if original
        else list(record.releases.filter(organisation__in=intel_orgs).select_related("organisation"))
    )
    with transaction.atomic():
        audit.record(
            actor=user,
            action="intel.read",
            target=record,
            organisation=record.originator_id if original else min(intel_orgs),
            details={"version": "original" if original else "sanitised"},
        )
    return RecordView(
        record=record,
        original=original,
        text=record.text if original else record.sanitised_text,
        releases=releases,
    )


def intel_record_for_edit(*, user: Any, record_id: int) -> IntelRecord:
    """A record the user may add entities and links to: originated where they hold INTEL_CREATE."""
    orgs = policy.require(user, Permission.INTEL_CREATE)
    return IntelRecord.objects.defer("text", "sanitised_text").get(pk=record_id, originator__in=orgs)


def intel_record_for_release(*, user: Any, record_id: int) -> IntelRecord:
    """A record the user may release: held by an organisation where they hold INTEL_RELEASE."""
    orgs = policy.require(user, Permission.INTEL_RELEASE)
    return IntelRecord.objects.defer("text", "sanitised_text").get(pk=record_id, originator__in=orgs)


# --- the graph ------------------------------------------------------------------------------------------


def entity_list(*, user: Any, kind: str | None = None) -> models.QuerySet[Entity]:
    entities = policy.scoped(user, Permission.INTEL_VIEW, Entity.objects.all())
    return entities.filter(kind=kind) if kind else entities


def entity_get(*, user: Any, entity_id: int) -> Entity:
    return entity_list(user=user).get(pk=entity_id)


def entity_by_phone(*, user: Any, phone: str) -> models.QuerySet[Entity]:
    from tiaki.intelligence.services import phone_key

    key = phone_key(phone)
    return entity_list(user=user).filter(phone_index=key) if key else Entity.objects.none()


def relation_list(*, user: Any, permission: Permission = Permission.INTEL_VIEW) -> models.QuerySet[Relation]:
    return policy.scoped(user, permission, Relation.objects.all())


def entity_relations(*, user: Any, entity: Entity) -> models.QuerySet[Relation]:
    return (
        relation_list(user=user)
        .filter(Q(source=entity) | Q(target=entity))
        .select_related("source", "target")
        .order_by("relation_type", "id")
    )


@dataclass
class Support:
    kind: str  # "report" or "record"
    object_id: int
    reference: str
    organisation: str


def supporting_records(
    *, user: Any, entity: Entity | None = None, relation: Relation | None = None
) -> list[Support]:
    """The reports and records this user may see that support an entity or a relation."""
    rows = policy.scoped(
        user, Permission.INTEL_VIEW, Provenance.objects.select_related("organisation", "record")
    )
    rows = rows.filter(entity=entity) if entity is not None else rows.filter(relation=relation)
    found = []
    for row in rows.defer("record__text", "record__sanitised_text"):
        if row.report_id:
            found.append(Support("report", row.report_id, f"R-{row.report_id:06d}", row.organisation.name))
        else:
            assert row.record is not None
            found.append(Support("record", row.record.pk, row.record.reference, row.organisation.name))
    return found


@dataclass(frozen=True)
class ChartFilters:
    relation_types: frozenset[str] = frozenset()
    since: dt.date | None = None
    min_confidence: float = 0.0


def ego_chart(
    *, user: Any, entity_id: int, hops: int = 1, filters: ChartFilters = ChartFilters()
) -> dict[str, Any]:
    """Nodes and edges around an entity for the link chart: only what the user may see ever leaves here.

    Community (Leiden, CPM) and betweenness are computed on the returned subgraph itself, so neither can
    carry information from parts of the graph the user may not see.
    """
    centre = entity_get(user=user, entity_id=entity_id)
    relations = relation_list(user=user)
    if filters.relation_types:
        relations = relations.filter(relation_type__in=filters.relation_types)
    if filters.since:
        relations = relations.filter(Q(last_seen__isnull=True) | Q(last_seen__gte=filters.since))
    if filters.min_confidence:
        relations = relations.filter(confidence__gte=filters.min_confidence)
    hops = max(1, min(hops, 3))
    reached = {centre.pk}
    frontier = {centre.pk}
    chosen: dict[int, Relation] = {}
    for _hop in range(hops):
        found = list(relations.filter(Q(source__in=frontier) | Q(target__in=frontier))[:2000])
        for relation in found:
            chosen[relation.pk] = relation
        nxt = {n for r in found for n in (r.source_id, r.target_id)} - reached
        reached |= nxt
        frontier = nxt
        if not frontier:
            break
    entities = {e.pk: e for e in Entity.objects.filter(pk__in=reached)}
    g = analytics.build(((r.source_id, r.target_id) for r in chosen.values()), nodes=reached)
    index = g.index()
    component = analytics.components(g)
    community = analytics.communities(g) if g.graph.ecount() else component
    betweenness, _estimated = analytics.broker_scores(g, component)
    nodes = [
        {
            "data": {
                "id": f"e{entity.pk}",
                "entity": entity.pk,
                "label": entity.label,
                "kind": entity.kind,
                "reference": entity.reference,
                "community": int(community[index[entity.pk]]),
                "betweenness": round(float(betweenness[index[entity.pk]]), 4),
                "centre": entity.pk == centre.pk,
            }
        }
        for entity in entities.values()
    ]
    edges = [
        {
            "data": {
                "id": f"r{r.pk}",
                "relation": r.pk,
                "source": f"e{r.source_id}",
                "target": f"e{r.target_id}",
                "type": r.relation_type,
                "label": r.get_relation_type_display(),
                "confidence": round(r.confidence, 2),
                "first_seen": r.first_seen.isoformat() if r.first_seen else None,
                "last_seen": r.last_seen.isoformat() if r.last_seen else None,
            }
        }
        for r in chosen.values()
    ]
    return {"centre": centre.pk, "nodes": nodes, "edges": edges}


def path_between(*, user: Any, source_id: int, target_id: int) -> list[Entity]:
    """One shortest path through relations this user may see."""
    edges = relation_list(user=user, permission=Permission.NETWORK_VIEW).values_list("source_id", "target_id")
    g = analytics.build(edges)
    ids = analytics.shortest_path(g, source_id, target_id)
    found = {e.pk: e for e in entity_list(user=user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def activity(*, user: Any, entity_ids: list[int]) -> list[tuple[str, int]]:
    days = (
        relation_list(user=user, permission=Permission.NETWORK_VIEW)
        .filter(source__in=entity_ids, target__in=entity_ids)
        .values_list("first_seen", flat=True)
    )
    return analytics.activity_by_month(days)


# --- analytics runs -------------------------------------------------------------------------------------


def analytics_run_list(*, user: Any) -> models.QuerySet[AnalyticsRun]:
    return policy.scoped(user, Permission.NETWORK_VIEW, AnalyticsRun.objects.all())


def analytics_run_get(*, user: Any, run_id: int) -> AnalyticsRun:
    return analytics_run_list(user=user).get(pk=run_id)


def analytics_run_latest(*, user: Any) -> AnalyticsRun | None:
    return analytics_run_list(user=user).filter(status=RunStatus.DONE).first()


def overview_map(*, user: Any) -> dict[str, Any]:
    """The overview map of the user's latest run, re-checked against what the user may see now."""
    run = analytics_run_latest(user=user)
    if run is None:
        return {"nodes": [], "edges": []}
    stored = run.result.get("overview", {"nodes": [], "edges": []})
    ids = [node[0] for node in stored["nodes"]]
    visible = {e.pk: e for e in entity_list(user=user).filter(pk__in=ids).only("pk", "label", "kind")}
    nodes = [
        {"id": i, "x": x, "y": y, "community": c, "betweenness": b, "label": visible[i].label}
        for i, x, y, c, b in stored["nodes"]
        if i in visible
    ]
    edges = [[a, b] for a, b in stored["edges"] if a in visible and b in visible]
    return {"nodes": nodes, "edges": edges}


def entities_by_id(*, user: Any, ids: list[int]) -> dict[int, Entity]:
    return {e.pk: e for e in entity_list(user=user).filter(pk__in=ids)}


# --- watches and alerts ---------------------------------------------------------------------------------


def watch_list(*, user: Any) -> models.QuerySet[Watch]:
    return policy.scoped(user, Permission.ALERT_MANAGE, Watch.objects.select_related("entity"))


def alert_list(*, user: Any) -> models.QuerySet[Alert]:
    return policy.scoped(user, Permission.ALERT_MANAGE, Alert.objects.select_related("watch", "entity"))


# --- agencies -------------------------------------------------------------------------------------------


def agency_list(*, user: Any, status: str | None = None) -> models.QuerySet[Agency]:
    agencies = policy.scoped(user, Permission.ENTITY_VIEW, Agency.objects.all())
    return agencies.filter(licence_status=status) if status else agencies


def agency_get(*, user: Any, agency_id: int) -> Agency:
    return agency_list(user=user).get(pk=agency_id)


def agency_status(name: str, licence_number: str = "") -> str:
    """The public register lookup for the Safe Migration Passport: "licensed", "unknown" or "warning".

    Needs no user and reads only licence facts. "warning": the register holds the agency as unlicensed
    or revoked, or the licence number given belongs to no agency of that name (a quoted number that does
    not check out is itself a warning sign). "unknown": the register does not know the agency.
    """
    key = name_key(name)
    number = licence_number.strip().upper()
    by_name = list(Agency.objects.filter(name_key=key)) if key else []
    if number:
        by_number = list(Agency.objects.filter(licence_number__iexact=number))
        if by_number:
            matching = [a for a in by_number if not key or a.name_key == key]
            if not matching:
                return "warning"
            return (
                "licensed" if all(a.licence_status == LicenceStatus.LICENSED for a in matching) else "warning"
            )
        if by_name:
            return "warning"
    if not by_name:
        return "unknown"
    if any(a.licence_status in (LicenceStatus.UNLICENSED, LicenceStatus.REVOKED) for a in by_name):
        return "warning"
    if all(a.licence_status == LicenceStatus.LICENSED for a in by_name):
        return "licensed"
    return "unknown"
