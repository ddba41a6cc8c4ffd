"""Load a synthetic world's mentions for the demo and resolve them into entities with the saved model.

The initial load resolves every mention at once (`resolve_mentions`, the batch engine behind `tiaki
resolve`): clusters become entities, and every mention gets an `EntityLink` with the model's probability and
reasons. Pairs of clusters the model was unsure about (between REVIEW_FLOOR and AUTO_THRESHOLD) wait in the
review queue, so the demo's queue holds real uncertain pairs. Later reports are resolved incrementally.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tiaki.accounts.models import Organisation
from tiaki.intake.models import Report
from tiaki.intelligence.models import Entity, EntityKind, Provenance
from tiaki.resolution import services
from tiaki.resolution.linkage import DEFAULT_MODEL_PATH, MODEL_VERSION, resolve_mentions
from tiaki.resolution.models import EntityLink, LinkDecision, MatchKey, Mention, MentionRole

BATCH = 2000


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@dataclass
class Resolved:
    """What the load made, and where each (world report, world person) ended up."""

    mentions: int = 0
    entities: int = 0
    pending: int = 0
    # (world report id, ground-truth entity id) -> resolved entity pk; ground truth maps the world's
    # relations (given between true people) onto the entities resolution made of their mentions.
    by_report: dict[tuple[str, str], int] = field(default_factory=dict)
    # ground-truth entity id -> a resolved entity pk of any of its mentions (for relations whose report
    # does not name the person itself)
    anywhere: dict[str, int] = field(default_factory=dict)


def _reasons(text: object) -> list[str]:
    return [r.strip() for r in str(text or "").split(",") if r.strip()]


def load(world_dir: Path, report_ids: dict[str, int]) -> Resolved:
    """Store the world's mentions of the loaded reports, resolve them, and link each to its entity.

    Must run inside the caller's transaction (the intelligence demo loader's). Person mentions only: the
    world's mentions are people, with their phones and documents as attributes.
    """
    result = Resolved()
    reports = {
        r.pk: r
        for r in Report.objects.filter(pk__in=report_ids.values()).only(
            "pk", "organisation_id", "country", "occurred_on"
        )
    }
    organisations = {o.pk: o for o in Organisation.objects.all()}
    truth = {
        row["mention_id"]: row["entity_id"]
        for row in _rows(world_dir / "ground_truth" / "mention_entity.csv")
    }
    mentions: list[Mention] = []
    world_report: dict[str, str] = {}
    for row in _rows(world_dir / "mentions.csv"):
        report_pk = report_ids.get(row["report_id"])
        if report_pk not in reports or not row.get("name", "").strip():
            continue
        report = reports[report_pk]
        attributes = {k: row[k].strip() for k in services.ATTRIBUTE_FIELDS if row.get(k, "").strip()}
        mention = Mention(
            organisation=organisations[report.organisation_id],
            report=report,
            kind=EntityKind.PERSON,
            role=row["role"] if row["role"] in MentionRole.values else MentionRole.OTHER,
            value=attributes["name"],
            attributes=attributes,
            external_key=row["id"],
        )
        mentions.append(mention)
        world_report[row["id"]] = row["report_id"]
    if not mentions:
        return result
    stored = store_resolved(mentions)
    result.mentions = len(mentions)
    result.entities = len(stored.entities)
    result.pending = stored.pending
    for m in mentions:
        person = truth.get(m.external_key)
        if person:
            entity_id = stored.entity_of[m.pk]
            result.by_report[(world_report[m.external_key], person)] = entity_id
            result.anywhere.setdefault(person, entity_id)
    return result


@dataclass
class Stored:
    entities: dict[str, Entity]  # cluster id -> entity
    entity_of: dict[int, int]  # mention pk -> entity pk
    pending: int


def store_resolved(mentions: list[Mention]) -> Stored:
    """Save unsaved person mentions with their match keys, resolve them all at once, and store the
    entities, links (probability, reasons; uncertain pairs pending) and provenance. For bulk loads."""
    Mention.objects.bulk_create(mentions, batch_size=BATCH)
    if any(m.pk is None for m in mentions):  # a backend that does not return keys from bulk inserts
        ids = dict(Mention.objects.values_list("external_key", "pk"))
        for m in mentions:
            m.pk = ids[m.external_key]
    MatchKey.objects.bulk_create([key for m in mentions for key in services.match_keys(m)], batch_size=BATCH)

    by_id = {str(m.pk): m for m in mentions}
    frame = pd.DataFrame(
        [
            {
                "id": str(m.pk),
                "source": m.organisation.country,
                **{k: m.attributes.get(k, "") for k in services.ATTRIBUTE_FIELDS},
            }
            for m in mentions
        ]
    )
    resolution = resolve_mentions(
        frame, model_path=Path(str(DEFAULT_MODEL_PATH)), threshold=services.AUTO_THRESHOLD
    )
    cluster_of = dict(zip(resolution.clusters["id"], resolution.clusters["cluster_id"], strict=True))

    # One entity per cluster, named after its first mention and owned by that mention's organisation.
    founders: dict[str, Mention] = {}
    for m in mentions:
        founders.setdefault(cluster_of[str(m.pk)], m)
    entities = {
        cluster: Entity(
            kind=EntityKind.PERSON,
            label=m.value,
            attributes=services.person_attributes(m.attributes),
            owner_id=m.organisation_id,
        )
        for cluster, m in founders.items()
    }
    # Phone and document indexes from the first of the cluster's mentions that gives each.
    for m in mentions:
        entity = entities[cluster_of[str(m.pk)]]
        for key, value in services.person_indexes(m).items():
            if not getattr(entity, key):
                setattr(entity, key, value)
    Entity.objects.bulk_create(entities.values(), batch_size=BATCH)
    if any(e.pk is None for e in entities.values()):
        raise RuntimeError("the database did not return the keys of the new entities")

    # Each mention's strongest link inside its cluster gives its probability and reasons.
    best: dict[str, tuple[float, list[str]]] = {}
    uncertain: list[tuple[float, str, str, list[str]]] = []
    for left, right, probability, reasons in resolution.links[
        ["id_l", "id_r", "match_probability", "reasons"]
    ].itertuples(index=False):
        if cluster_of[left] == cluster_of[right]:
            for end in (left, right):
                if probability > best.get(end, (-1.0, []))[0]:
                    best[end] = (float(probability), _reasons(reasons))
        elif services.REVIEW_FLOOR <= probability < services.AUTO_THRESHOLD:
            uncertain.append((float(probability), left, right, _reasons(reasons)))
    sizes = pd.Series(cluster_of).value_counts().to_dict()
    links: dict[str, EntityLink] = {}
    for mention_id, m in by_id.items():
        cluster = cluster_of[mention_id]
        probability, reasons = best.get(mention_id, (0.0, []))
        links[mention_id] = EntityLink(
            mention=m,
            entity=entities[cluster],
            probability=round(probability, 6),
            reasons=reasons,
            model_version=MODEL_VERSION,
            decision=LinkDecision.AUTO if sizes[cluster] > 1 else LinkDecision.NEW,
        )
    # The most probable uncertain pair of two clusters is proposed once, on the later cluster's mention.
    proposed: set[tuple[str, str]] = set()
    for probability, left, right, reasons in sorted(uncertain, reverse=True):
        a, b = sorted((cluster_of[left], cluster_of[right]))
        if (a, b) in proposed:
            continue
        later = left if cluster_of[left] == b else right
        link = links[later]
        if link.decision == LinkDecision.PENDING:
            continue
        proposed.add((a, b))
        link.decision = LinkDecision.PENDING
        link.candidate = entities[a]
        link.probability = round(probability, 6)
        link.reasons = reasons
    EntityLink.objects.bulk_create(links.values(), batch_size=BATCH)
    pending = sum(1 for link in links.values() if link.decision == LinkDecision.PENDING)

    support: dict[tuple[int, int], Provenance] = {}
    for mention_id, m in by_id.items():
        entity = entities[cluster_of[mention_id]]
        support.setdefault(
            (entity.pk, m.report_id),  # type: ignore[arg-type]
            Provenance(entity=entity, report_id=m.report_id, organisation_id=m.organisation_id),
        )
    Provenance.objects.bulk_create(support.values(), batch_size=BATCH)
    return Stored(
        entities=entities,
        entity_of={m.pk: entities[cluster_of[str(m.pk)]].pk for m in mentions},
        pending=pending,
    )
