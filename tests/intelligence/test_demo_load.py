"""The demo loader: the reports' mentions resolved into people, agencies, and evidenced relations between
the resolved entities, each with provenance; uncertain pairs wait for review."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tiaki.intake.models import Report
from tiaki.intelligence import demo
from tiaki.intelligence.models import Agency, Entity, Provenance, Relation
from tiaki.resolution.models import EntityLink, Mention
from tiaki.world import generate
from tiaki.world import load as world_load


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(people=3000, seed=4, out=out)
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_load_resolves_the_mentions_and_puts_the_evidenced_graph_in_with_provenance(world: Path) -> None:
    orgs = world_load.organisations(world)
    world_load.reports(world, orgs, lambda message: None)
    counts = demo.load(world, orgs)
    named = [m for m in _csv(world / "mentions.csv") if m["name"]]
    agencies = _csv(world / "agencies.csv")
    persons = Entity.objects.filter(kind="person").count()
    assert counts["mentions"] == len(named) == Mention.objects.count() == EntityLink.objects.count()
    assert counts["agencies"] == len(agencies) == Agency.objects.count()
    assert (
        counts["entities"] == Entity.objects.count() == persons + Entity.objects.filter(kind="agency").count()
    )
    assert counts["relations"] == Relation.objects.count() > 0
    assert counts["pending"] == EntityLink.objects.filter(decision="pending").count()
    # Resolution, not ground truth, made the people: fewer entities than mentions, every link explained.
    truth = {
        row["mention_id"]: row["entity_id"] for row in _csv(world / "ground_truth" / "mention_entity.csv")
    }
    assert len({truth[m["id"]] for m in named}) * 0.9 <= persons < len(named)
    auto = EntityLink.objects.filter(decision="auto").first()
    assert auto is not None and auto.probability >= 0.9 and auto.reasons and auto.model_version
    pending = EntityLink.objects.filter(decision="pending").first()
    assert (
        pending is not None and 0.3 <= pending.probability < 0.9 and pending.candidate_id != pending.entity_id
    )
    # Each relation is supported by the report the world names, held by that report's organisation, and the
    # report supports both ends.
    mapping = demo.report_ids_by_file_order(world)
    relation = Relation.objects.first()
    assert relation is not None
    support = relation.provenance.first()
    assert support is not None
    report = Report.objects.get(pk=support.report_id)
    assert support.organisation_id == report.organisation_id and report.pk in mapping.values()
    assert Provenance.objects.filter(entity=relation.source, report=report).exists()
    assert Provenance.objects.filter(entity=relation.target, report=report).exists()
    # Names are personal data: the label column holds ciphertext only.
    person = Entity.objects.filter(kind="person").first()
    assert person is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT label FROM intelligence_entity WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert person.label and person.label not in stored
    assert demo.load(world, orgs) == {
        "entities": 0,
        "relations": 0,
        "agencies": 0,
        "mentions": 0,
        "pending": 0,
    }
