"""Load a synthetic world's entity graph (people in networks, agencies, relations) for the demo.

Called by the demo after the world's reports are loaded into intake. Every relation carries provenance:
the world report that first evidences it, held by that report's organisation. Relations no report
evidences are not loaded (nobody could see them), nor are people no loaded relation touches.
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
from tiaki.intelligence.services import document_key, name_key, phone_key

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
    """Load agencies (the register), person and agency entities and their relations with provenance.

    `organisations` maps the world's org ids to Organisations (unused keys are fine; report holders are
    read from the reports themselves). Returns counts. Does nothing when entities already exist.
    """
    if Entity.objects.exists():
        return {"entities": 0, "relations": 0, "agencies": 0}
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
    # Each entity's owner is the organisation whose report first evidences it.
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
        entities: list[Entity] = []
        for row in _rows(world_dir / "people.csv"):
            key = row["entity_id"]
            if key not in first_report:
                continue
            attributes = {
                "name": row["full_name"],
                "latin_name": row["latin_name"],
                "dob": row["dob"],
                "gender": row["gender"],
                "nationality": row["nationality"],
                "role": roles.get(key, ""),
            }
            entities.append(
                Entity(
                    kind=EntityKind.PERSON,
                    label=row["full_name"],
                    attributes={k: v for k, v in attributes.items() if v},
                    external_key=key,
                    phone_index=phone_key(row["phone"]) if row["phone"] else "",
                    document_index=document_key(row["id_number"]) if row["id_number"] else "",
                    owner_id=holder[report_ids[first_report[key]]],
                )
            )
        for key, agency in agencies.items():
            if key in first_report:
                entities.append(
                    Entity(
                        kind=EntityKind.AGENCY,
                        label=agency.name,
                        attributes={"country": agency.country, "licence_status": agency.licence_status},
                        external_key=key,
                        owner_id=holder[report_ids[first_report[key]]],
                    )
                )
        Entity.objects.bulk_create(entities, batch_size=BATCH)
        by_key = dict(Entity.objects.values_list("external_key", "pk"))
        for key, agency in agencies.items():
            agency.entity_id = by_key.get(key)
        Agency.objects.bulk_create(agencies.values(), batch_size=BATCH)

        relations: dict[tuple[int, int, str], Relation] = {}
        for row in evidenced:
            source, target = by_key[row["src_entity_id"]], by_key[row["dst_entity_id"]]
            seen = dates.get(row["report_id"])
            relations.setdefault(
                (source, target, row["relation_type"]),
                # Confidence 1.0: the world's relations are ground truth. Resolution sets real confidences.
                Relation(
                    source_id=source,
                    target_id=target,
                    relation_type=row["relation_type"],
                    confidence=1.0,
                    first_seen=seen,
                    last_seen=seen,
                ),
            )
        Relation.objects.bulk_create(relations.values(), batch_size=BATCH)
        relation_pk = {
            (s, t, kind): pk
            for pk, s, t, kind in Relation.objects.values_list(
                "pk", "source_id", "target_id", "relation_type"
            )
        }
        provenance: dict[tuple[str, int, int], Provenance] = {}
        for row in evidenced:
            report_pk = report_ids[row["report_id"]]
            organisation_id = holder[report_pk]
            source, target = by_key[row["src_entity_id"]], by_key[row["dst_entity_id"]]
            rel = relation_pk[(source, target, row["relation_type"])]
            provenance.setdefault(
                ("r", rel, report_pk),
                Provenance(relation_id=rel, report_id=report_pk, organisation_id=organisation_id),
            )
            for entity in (source, target):
                provenance.setdefault(
                    ("e", entity, report_pk),
                    Provenance(entity_id=entity, report_id=report_pk, organisation_id=organisation_id),
                )
        Provenance.objects.bulk_create(provenance.values(), batch_size=BATCH)
        counts = {"entities": len(entities), "relations": len(relations), "agencies": len(agencies)}
        audit.record(
            actor=None, action="intelligence.demo_load", object_type="intelligence.entity", details=counts
        )
    return counts


def summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{value:,} {key}" for key, value in counts.items())
