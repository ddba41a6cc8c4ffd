"""Load a synthetic world's entity graph (people in networks, agencies, relations) for the demo.

Called by the demo after the world's reports are loaded into intake. People are what entity resolution
makes of the reports' mentions (`tiaki.resolution.demo`): entities with links carrying the model's
probability and reasons, uncertain pairs waiting for review. The world's relations (given between true
people) are attached to the resolved entities of the mentions in the report that evidences them, with that
report as provenance. Relations no loaded report evidences are not loaded (nobody could see them).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from tiaki.accounts.models import Organisation
from tiaki.governance import audit
from tiaki.intake.models import Report
from tiaki.intelligence.models import Agency, Entity, EntityKind, LicenceStatus, Provenance, Relation
from tiaki.intelligence.services import name_key
from tiaki.resolution import demo as resolution_demo

BATCH = 2000


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def report_ids_by_file_order(world_dir: Path) -> dict[str, int]:
    """World report id → Report pk, assuming the demo loaded reports.jsonl in file order into an empty table.

    This is the coupling with `tiaki.world.load.reports`: the n-th line became the n-th Report by primary
    key. Callers that know the mapping should pass it to `load` instead.
    """
    pks = list(Report.objects.order_by("pk").values_list("pk", flat=True))
    mapping: dict[str, int] = {}
    with (world_dir / "reports.jsonl").open(encoding="utf-8") as handle:
        for position, line in enumerate(handle):
            if position >= len(pks):
                break
            mapping[json.loads(line)["id"]] = pks[position]
    return mapping


def _report_dates(world_dir: Path) -> dict[str, dt.date | None]:
    dates: dict[str, dt.date | None] = {}
    with (world_dir / "reports.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            dates[row["id"]] = dt.date.fromisoformat(row["occurred_on"]) if row.get("occurred_on") else None
    return dates


def load(
    world_dir: Path, organisations: dict[str, Organisation], report_ids: dict[str, int] | None = None
) -> dict[str, int]:
    """Load agencies (the register), resolve the reports' mentions into people, and load the relations.

    `organisations` maps the world's org ids to Organisations (unused keys are fine; report holders are
    read from the reports themselves). Returns counts. Does nothing when entities already exist.
    """
    if Entity.objects.exists():
        return {"entities": 0, "relations": 0, "agencies": 0, "mentions": 0, "pending": 0}
    report_ids = report_ids if report_ids is not None else report_ids_by_file_order(world_dir)
    holder = dict(Report.objects.filter(pk__in=report_ids.values()).values_list("pk", "organisation_id"))
    dates = _report_dates(world_dir)
    roles = {
        row["entity_id"]: row["role"] for row in _rows(world_dir / "ground_truth" / "entity_network.csv")
    }
    evidenced = [
        row
        for row in _rows(world_dir / "relations.csv")
        if row["report_id"] and report_ids.get(row["report_id"]) in holder
    ]
    # Each agency entity's owner is the organisation whose report first evidences it.
    first_report: dict[str, str] = {}
    for row in sorted(evidenced, key=lambda r: r["report_id"]):
        for key in (row["src_entity_id"], row["dst_entity_id"]):
            first_report.setdefault(key, row["report_id"])

    with transaction.atomic():
        agencies: dict[str, Agency] = {}
        for row in _rows(world_dir / "agencies.csv"):
            status = (
                row["licence_status"]
                if row["licence_status"] in LicenceStatus.values
                else LicenceStatus.UNKNOWN
            )
            agencies[row["agency_id"]] = Agency(
                name=row["name"],
                name_key=name_key(row["name"]),
                country=row["country"],
                licence_status=status,
                licence_number=row["licence_number"],
                source="synthetic world register",
                external_key=row["agency_id"],
            )
        agency_entities = [
            Entity(
                kind=EntityKind.AGENCY,
                label=agency.name,
                attributes={"country": agency.country, "licence_status": agency.licence_status},
                external_key=key,
                owner_id=holder[report_ids[first_report[key]]],
            )
            for key, agency in agencies.items()
            if key in first_report
        ]
        Entity.objects.bulk_create(agency_entities, batch_size=BATCH)
        by_key = {e.external_key: e.pk for e in agency_entities}
        for key, agency in agencies.items():
            agency.entity_id = by_key.get(key)
        Agency.objects.bulk_create(agencies.values(), batch_size=BATCH)

        people = resolution_demo.load(world_dir, report_ids)
        # The role in the network is ground truth the demo shows on a person's page.
        role_of = {people.anywhere[key]: role for key, role in roles.items() if key in people.anywhere}
        for entity in Entity.objects.filter(pk__in=role_of):
            entity.attributes = {**entity.attributes, "role": role_of[entity.pk]}
            entity.save(update_fields=["attributes"])

        def resolved(key: str, report: str) -> int | None:
            if key in by_key:
                return by_key[key]
            return people.by_report.get((report, key)) or people.anywhere.get(key)

        relations: dict[tuple[int, int, str], Relation] = {}
        supported: list[tuple[tuple[int, int, str], int]] = []
        for row in evidenced:
            source = resolved(row["src_entity_id"], row["report_id"])
            target = resolved(row["dst_entity_id"], row["report_id"])
            if source is None or target is None or source == target:
                continue  # a person no loaded report names, or two mentions resolved into one entity
            seen = dates.get(row["report_id"])
            triple = (source, target, row["relation_type"])
            relation = relations.setdefault(
                triple,
                # Confidence 1.0: the world's relations are ground truth; the endpoints are resolution's.
                Relation(
                    source_id=source,
                    target_id=target,
                    relation_type=row["relation_type"],
                    confidence=1.0,
                    first_seen=seen,
                    last_seen=seen,
                ),
            )
            if seen and relation.first_seen and seen < relation.first_seen:
                relation.first_seen = seen
            if seen and relation.last_seen and seen > relation.last_seen:
                relation.last_seen = seen
            supported.append((triple, report_ids[row["report_id"]]))
        Relation.objects.bulk_create(relations.values(), batch_size=BATCH)
        relation_pk = {
            (s, t, kind): pk
            for pk, s, t, kind in Relation.objects.values_list(
                "pk", "source_id", "target_id", "relation_type"
            )
        }
        existing = set(Provenance.objects.filter(entity__isnull=False).values_list("entity_id", "report_id"))
        provenance: dict[tuple[str, int, int], Provenance] = {}
        for triple, report_pk in supported:
            organisation_id = holder[report_pk]
            rel = relation_pk[triple]
            provenance.setdefault(
                ("r", rel, report_pk),
                Provenance(relation_id=rel, report_id=report_pk, organisation_id=organisation_id),
            )
            for end in triple[:2]:
                if (end, report_pk) not in existing:
                    provenance.setdefault(
                        ("e", end, report_pk),
                        Provenance(entity_id=end, report_id=report_pk, organisation_id=organisation_id),
                    )
        Provenance.objects.bulk_create(provenance.values(), batch_size=BATCH)
        counts = {
            "entities": len(agency_entities) + people.entities,
            "relations": len(relations),
            "agencies": len(agencies),
            "mentions": people.mentions,
            "pending": people.pending,
        }
        audit.record(
            actor=None, action="intelligence.demo_load", object_type="intelligence.entity", details=counts
        )
    return counts


def summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{value:,} {key}" for key, value in counts.items())
