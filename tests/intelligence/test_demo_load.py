"""The demo loader: a world's network members, victims, agencies and evidenced relations, with provenance."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tiaki.intake.models import Report
from tiaki.intelligence import demo
from tiaki.intelligence.models import Agency, Entity, Provenance, Relation
from tiaki.world import generate
from tiaki.world import load as world_load


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(people=3000, seed=4, out=out)
    return out


@pytest.mark.django_db
def test_load_puts_the_evidenced_graph_in_with_provenance(world: Path) -> None:
    orgs = world_load.organisations(world)
    world_load.reports(world, orgs, lambda message: None)
    counts = demo.load(world, orgs)
    rows = list(csv.DictReader((world / "relations.csv").open(encoding="utf-8")))
    evidenced = [r for r in rows if r["report_id"]]
    keys = {r["src_entity_id"] for r in evidenced} | {r["dst_entity_id"] for r in evidenced}
    agencies = list(csv.DictReader((world / "agencies.csv").open(encoding="utf-8")))
    assert counts == {"entities": len(keys), "relations": len(evidenced), "agencies": len(agencies)}
    assert Entity.objects.count() == len(keys) and Relation.objects.count() == len(evidenced)
    assert Agency.objects.count() == len(agencies)
    # Each relation is supported by exactly the report the world names, held by that report's organisation.
    mapping = demo.report_ids_by_file_order(world)
    sample = evidenced[0]
    relation = Relation.objects.get(
        source__external_key=sample["src_entity_id"],
        target__external_key=sample["dst_entity_id"],
        relation_type=sample["relation_type"],
    )
    [support] = relation.provenance.all()
    report = Report.objects.get(pk=mapping[sample["report_id"]])
    assert (support.report_id, support.organisation_id) == (report.pk, report.organisation_id)
    assert Provenance.objects.filter(entity=relation.source, report=report).exists()
    # Names are personal data: the label column holds ciphertext only.
    person = Entity.objects.filter(kind="person").first()
    assert person is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT label FROM intelligence_entity WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert person.label and person.label not in stored
    assert demo.load(world, orgs) == {"entities": 0, "relations": 0, "agencies": 0}
