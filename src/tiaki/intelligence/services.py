"""Writes to intelligence: graded records and their releases, the entity graph, watches and alerts, runs."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.governance.crypto import blind_index
from tiaki.governance.models import SharingAgreement
from tiaki.intake.models import Report
from tiaki.intelligence.models import (
    Agency,
    Alert,
    AlertReason,
    AnalyticsRun,
    Entity,
    EntityKind,
    HandlingCode,
    IntelligenceAssessment,
    IntelRecord,
    LicenceStatus,
    Provenance,
    Relation,
    RelationType,
    Release,
    RunStatus,
    SourceEvaluation,
    Watch,
    WatchKind,
)

PHONE_INDEX = "intelligence.phone"
DOCUMENT_INDEX = "intelligence.document"


def phone_key(raw: str, *, region: str | None = None) -> str:
    """The blind index of a phone number in E.164, or "" when it does not parse as a possible number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return blind_index(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), purpose=PHONE_INDEX
    )


def document_key(raw: str) -> str:
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    return blind_index(cleaned, purpose=DOCUMENT_INDEX) if cleaned else ""


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


# --- graded records -------------------------------------------------------------------------------------


def intel_record_create(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    text: str,
    sanitised_text: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
) -> IntelRecord:
    policy.require(actor, Permission.INTEL_CREATE, organisation)
    errors: dict[str, str] = {}
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = _("Choose a source evaluation of 1, 2 or 3.")
    if intelligence_assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = _("Choose an intelligence assessment from A to E.")
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = _("Choose handling code P or C.")
    if handling_code == HandlingCode.CONDITIONS and not handling_conditions.strip():
        errors["handling_conditions"] = _("Handling code C needs its conditions written down.")
    if not text.strip():
        errors["text"] = _("Write the intelligence.")
    if not sanitised_text.strip():
        errors["sanitised_text"] = _("Write the sanitised version recipients will see.")
    if not title.strip():
        errors["title"] = _("Give the record a title.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = IntelRecord.objects.create(
            originator=organisation,
            created_by=actor,
            title=title.strip(),
            text=text.strip(),
            sanitised_text=sanitised_text.strip(),
            source_evaluation=source_evaluation,
            intelligence_assessment=intelligence_assessment,
            handling_code=handling_code,
            handling_conditions=handling_conditions.strip()
            if handling_code == HandlingCode.CONDITIONS
            else "",
        )
        audit.record(
            actor=actor,
            action="intel.create",
            target=record,
            organisation=organisation,
            details={"grading": record.grading},
        )
    return record


def release_permitted(record: IntelRecord, organisation: Organisation, on: dt.date) -> bool:
    """Whether a sharing agreement from the originator to `organisation` covers this handling code today."""
    flag = "intelligence_c" if record.handling_code == HandlingCode.CONDITIONS else "intelligence_p"
    return (
        SharingAgreement.objects.filter(
            provider_id=record.originator_id,
            recipient=organisation,
            active=True,
            valid_from__lte=on,
            **{flag: True},
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )


def intel_record_release(*, actor: Any, record: IntelRecord, organisation: Organisation) -> Release:
    policy.require(actor, Permission.INTEL_RELEASE, record.originator_id)
    if organisation.pk == record.originator_id:
        raise ValidationError(_("A record cannot be released to its own originator."))
    if record.handling_code == HandlingCode.CONDITIONS and not record.handling_conditions:
        raise ValidationError(_("Handling code C needs its conditions before release."))
    if not release_permitted(record, organisation, timezone.localdate()):
        raise ValidationError(
            _("No sharing agreement permits intelligence with handling code %(code)s to %(organisation)s.")
            % {"code": record.handling_code, "organisation": organisation.name}
        )
    with transaction.atomic():
        release, created = Release.objects.get_or_create(
            record=record, organisation=organisation, defaults={"released_by": actor}
        )
        if created:
            audit.record(
                actor=actor,
                action="intel.release",
                target=record,
                organisation=record.originator_id,
                details={"to_organisation": organisation.pk, "handling_code": record.handling_code},
            )
    return release


# --- the entity graph -----------------------------------------------------------------------------------


def _source(report: Report | None, record: IntelRecord | None) -> tuple[dict[str, Any], int, str]:
    if (report is None) == (record is None):
        raise ValidationError(_("Name exactly one supporting report or record."))
    if report is not None:
        return {"report": report}, report.organisation_id, f"report:{report.pk}"
    assert record is not None
    return {"record": record}, record.originator_id, f"record:{record.pk}"


def _may_write_graph(actor: Any, organisation_id: int) -> None:
    if actor is None:
        return  # the system (imports, the demo loader) acting on behalf of the holding organisation
    if not (
        policy.has(actor, Permission.ENTITY_REVIEW, organisation_id)
        or policy.has(actor, Permission.INTEL_CREATE, organisation_id)
    ):
        raise policy.Denied(Permission.INTEL_CREATE)


def entity_upsert(
    *,
    actor: Any,
    kind: str,
    label: str,
    report: Report | None = None,
    record: IntelRecord | None = None,
    attributes: dict[str, Any] | None = None,
    external_key: str = "",
    phone: str = "",
    document_number: str = "",
) -> Entity:
    """Find the entity (by external key, then phone or document blind index) or create it; add provenance."""
    if kind not in EntityKind.values:
        raise ValidationError({"kind": _("Unknown entity kind.")})
    source, organisation_id, reason_key = _source(report, record)
    _may_write_graph(actor, organisation_id)
    phone_index = phone_key(phone) if phone else ""
    document_index = document_key(document_number) if document_number else ""
    with transaction.atomic():
        entity = None
        if external_key:
            entity = Entity.objects.filter(external_key=external_key).first()
        if entity is None and phone_index and kind == EntityKind.PHONE:
            entity = Entity.objects.filter(kind=kind, phone_index=phone_index).first()
        if entity is None and document_index and kind == EntityKind.DOCUMENT:
            entity = Entity.objects.filter(kind=kind, document_index=document_index).first()
        created = entity is None
        if entity is None:
            entity = Entity.objects.create(
                kind=kind,
                label=label,
                attributes=attributes or {},
                external_key=external_key,
                phone_index=phone_index,
                document_index=document_index,
                owner_id=organisation_id,
            )
        elif attributes:
            entity.attributes = {**entity.attributes, **attributes}
            entity.save(update_fields=["attributes"])
        _support, added = Provenance.objects.get_or_create(
            entity=entity, organisation_id=organisation_id, **source
        )
        audit.record(
            actor=actor,
            action="entity.create" if created else "entity.support",
            target=entity,
            organisation=organisation_id,
            details={"kind": kind, "source": reason_key},
        )
        if added:
            reason = AlertReason.REPORT if report is not None else AlertReason.RECORD
            alerts_raise(entity_ids=[entity.pk], reason=reason, reason_key=reason_key)
    return entity


def relation_add(
    *,
    actor: Any,
    source: Entity,
    target: Entity,
    relation_type: str,
    report: Report | None = None,
    record: IntelRecord | None = None,
    confidence: float = 1.0,
    seen_on: dt.date | None = None,
) -> Relation:
    if relation_type not in RelationType.values:
        raise ValidationError({"relation_type": _("Unknown relation type.")})
    if not 0 <= confidence <= 1:
        raise ValidationError({"confidence": _("Confidence is between 0 and 1.")})
    if source.pk == target.pk:
        raise ValidationError(_("An entity cannot be related to itself."))
    supporting, organisation_id, reason_key = _source(report, record)
    _may_write_graph(actor, organisation_id)
    with transaction.atomic():
        relation, created = Relation.objects.get_or_create(
            source=source,
            target=target,
            relation_type=relation_type,
            defaults={"confidence": confidence, "first_seen": seen_on, "last_seen": seen_on},
        )
        if not created:
            changed = []
            if confidence > relation.confidence:
                relation.confidence = confidence
                changed.append("confidence")
            if seen_on and (relation.first_seen is None or seen_on < relation.first_seen):
                relation.first_seen = seen_on
                changed.append("first_seen")
            if seen_on and (relation.last_seen is None or seen_on > relation.last_seen):
                relation.last_seen = seen_on
                changed.append("last_seen")
            if changed:
                relation.save(update_fields=changed)
        Provenance.objects.get_or_create(relation=relation, organisation_id=organisation_id, **supporting)
        audit.record(
            actor=actor,
            action="relation.add" if created else "relation.support",
            target=relation,
            organisation=organisation_id,
            details={"relation_type": relation_type, "source": reason_key},
        )
        if created:
            alerts_raise(
                entity_ids=[source.pk, target.pk],
                reason=AlertReason.RELATION,
                reason_key=f"relation:{relation.pk}",
            )
    return relation


# --- watches and alerts ---------------------------------------------------------------------------------


def watch_create(*, actor: Any, entity: Entity, kind: str = WatchKind.ENTITY) -> Watch:
    policy.require(actor, Permission.ALERT_MANAGE)
    if kind not in WatchKind.values:
        raise ValidationError({"kind": _("Unknown kind of watch.")})
    # Watching needs sight of the entity: the caller passes one loaded through the selectors.
    with transaction.atomic():
        watch, created = Watch.objects.get_or_create(user=actor, entity=entity, kind=kind)
        if created:
            audit.record(
                actor=actor, action="watch.create", target=watch, details={"entity": entity.pk, "kind": kind}
            )
    return watch


def watch_delete(*, actor: Any, watch: Watch) -> None:
    policy.require(actor, Permission.ALERT_MANAGE)
    if watch.user_id != actor.pk:
        raise policy.Denied(Permission.ALERT_MANAGE)
    with transaction.atomic():
        audit.record(actor=actor, action="watch.delete", target=watch, details={"entity": watch.entity_id})
        watch.delete()


def component_of(entity_id: int) -> set[int]:
    """Every entity connected to `entity_id` through any relation (the network it belongs to)."""
    seen = {entity_id}
    frontier = {entity_id}
    while frontier:
        rows = Relation.objects.filter(Q(source__in=frontier) | Q(target__in=frontier)).values_list(
            "source_id", "target_id"
        )
        reached = {n for pair in rows for n in pair} - seen
        seen |= reached
        frontier = reached
    return seen


def alerts_raise(*, entity_ids: Iterable[int], reason: str, reason_key: str) -> list[Alert]:
    """Raise one alert per watch touched by this cause; a cause already alerted for a watch is skipped.

    A watcher is told only about causes they could see themselves: an alert about a record that was never
    released to you would leak its existence.
    """
    from tiaki.intelligence.rules import visible_provenance

    touched = set(entity_ids)
    watches = list(Watch.objects.filter(entity__in=touched, kind=WatchKind.ENTITY).select_related("user"))
    for watch in Watch.objects.filter(kind=WatchKind.NETWORK).select_related("user"):
        if touched & component_of(watch.entity_id):
            watches.append(watch)
    raised: list[Alert] = []
    kind, _sep, object_id = reason_key.partition(":")
    for watch in watches:
        if kind in {"report", "record", "relation"}:
            supporting = Provenance.objects.filter(**{f"{kind}_id": int(object_id)})
            if not visible_provenance(watch.user).filter(pk__in=supporting.values("pk")).exists():
                continue
        if Alert.objects.filter(watch=watch, reason_key=reason_key).exists():
            continue
        entity_id = watch.entity_id if watch.entity_id in touched else min(touched)
        raised.append(
            Alert.objects.create(watch=watch, reason_key=reason_key, reason=reason, entity_id=entity_id)
        )
    return raised


def watchlist_hit_alert(*, entity: Entity, hit_key: str) -> list[Alert]:
    """For resolution's watchlist screening: a hit on a screened record that resolved to `entity`."""
    with transaction.atomic():
        return alerts_raise(
            entity_ids=[entity.pk], reason=AlertReason.WATCHLIST_HIT, reason_key=f"watchlist:{hit_key}"[:80]
        )


def alert_mark_read(*, actor: Any, alert: Alert) -> Alert:
    policy.require(actor, Permission.ALERT_MANAGE)
    if alert.watch.user_id != actor.pk:
        raise policy.Denied(Permission.ALERT_MANAGE)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


# --- agency register ------------------------------------------------------------------------------------


def agency_register_import(*, actor: Any, path: Path, source: str, verified_on: dt.date | None = None) -> int:
    """Import or update agencies from a CSV: `name,country,licence_status,licence_number` (+ agency_id).

    A register is outside data: a malformed file raises ValidationError naming the line, and nothing is kept.
    """
    if actor is not None:
        policy.require(actor, Permission.DIRECTORY_EDIT)
    count = 0
    reader: csv.DictReader[str] | None = None
    with transaction.atomic():
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if "name" not in (reader.fieldnames or []):
                    raise ValidationError(f"{path.name}:1: the header needs a 'name' column")
                for row in reader:
                    values = _agency_values(row, where=f"{path.name}:{reader.line_num}")
                    values.update(source=source, verified_on=verified_on)
                    key = values.pop("external_key")
                    if key:
                        Agency.objects.update_or_create(external_key=key, defaults=values)
                    else:
                        Agency.objects.update_or_create(
                            name_key=values["name_key"], country=values["country"], defaults=values
                        )
                    count += 1
        except UnicodeDecodeError as error:
            raise ValidationError(f"{path.name}: not valid UTF-8") from error
        except csv.Error as error:
            line = reader.line_num if reader is not None else 1
            raise ValidationError(f"{path.name}:{line}: malformed CSV: {error}") from error
        audit.record(
            actor=actor, action="agency.import", object_type="intelligence.agency", details={"rows": count}
        )
    return count


def _agency_values(row: dict[str, Any], *, where: str) -> dict[str, Any]:
    if None in row or None in row.values():
        raise ValidationError(f"{where}: the row does not have as many fields as the header")
    name = row["name"].strip()
    status = row.get("licence_status", "") or LicenceStatus.UNKNOWN
    values = {
        "name": name,
        "name_key": name_key(name),
        "country": row.get("country", "").strip().upper(),
        "licence_status": status if status in LicenceStatus.values else LicenceStatus.UNKNOWN,
        "licence_number": row.get("licence_number", "").strip(),
        "external_key": row.get("agency_id", "").strip(),
    }
    limits = {"name": 200, "name_key": 200, "country": 2, "licence_number": 60, "external_key": 80}
    if not name:
        raise ValidationError(f"{where}: the agency has no name")
    for field, limit in limits.items():
        if len(values[field]) > limit:
            raise ValidationError(f"{where}: {field} is longer than {limit} characters")
    return values


# --- analytics runs -------------------------------------------------------------------------------------


def analytics_run_start(*, actor: Any, resolution: float | None = None) -> AnalyticsRun:
    from tiaki.intelligence import analytics, tasks

    organisation_ids = policy.require(actor, Permission.NETWORK_VIEW)
    with transaction.atomic():
        run = AnalyticsRun.objects.create(
            requested_by=actor,
            organisation_id=min(organisation_ids),
            resolution=resolution if resolution is not None else analytics.DEFAULT_RESOLUTION,
        )
        audit.record(actor=actor, action="network.analyse", target=run, organisation=run.organisation_id)
        transaction.on_commit(lambda: tasks.network_analytics.enqueue(run.pk))
    return run


def analytics_run_fail(run: AnalyticsRun, stage: str) -> None:
    run.status = RunStatus.FAILED
    run.stage = stage[:40]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "stage", "finished_at"])
