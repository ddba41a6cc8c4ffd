"""Writes of entity resolution in the application: mentions, their links to entities, merge and split.

A report's mentions are stored with blind-indexed match keys (`mentions_add`), then resolved after commit
(`mentions_resolve`, a background task): people are scored with the saved Splink model against the existing
mentions that share a key; phones, documents and agencies resolve exactly. Every link adds provenance to
the intelligence graph, so visibility and alerts follow the existing rules of intelligence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.governance.crypto import blind_index
from tiaki.intake.models import Report
from tiaki.intelligence import services as graph
from tiaki.intelligence.models import (
    Agency,
    Alert,
    Entity,
    EntityKind,
    IntelRecord,
    Provenance,
    Relation,
    RelationType,
    Watch,
)
from tiaki.resolution.linkage import (
    MODEL_VERSION,
    match_new_mentions,
)
from tiaki.resolution.models import EntityLink, LinkDecision, MatchKey, Mention, MentionRole
from tiaki.resolution.names import normalise_name
from tiaki.resolution.phones import normalise_phone
from tiaki.resolution.records import normalise_country, normalise_email, normalise_id_number

# At or above this probability a new mention joins the candidate's entity without review. The same value
# as batch clustering (`tiaki resolve`, linkage.DEFAULT_THRESHOLD), so the app and the command agree on what
# the model calls one person; measured on the synthetic world, precision there is above 0.97.
AUTO_THRESHOLD = 0.9
# From here up to AUTO_THRESHOLD the model is unsure: the mention gets its own entity and the pair waits
# for an analyst. Below it the evidence is mostly against a match, and a queue full of such pairs would
# bury the ones worth an analyst's time.
REVIEW_FLOOR = 0.3
# Candidates scored for each new mention, and at most for one batch. A common name word ("Nguyen") can be
# shared by tens of thousands of mentions, so the most specific keys come first (document, email, phone,
# then the mentions sharing the most name words); chosen per mention so that one mention with common
# words cannot crowd out the others of its report. On 100,000 resolved mentions, 50 each linked 90 of 150
# new mentions automatically (89 correctly) against 77 with 300 for the whole report, in a third of the
# time (benchmarks/resolution_incremental.py).
CANDIDATES_PER_MENTION = 50
CANDIDATE_LIMIT = 300
# Relations read from the mentions' roles alone (not from the narrative) are a guess worth showing, not a
# fact: the suspect of a report is not always the one who recruited its victim.
ROLE_RELATION_CONFIDENCE = 0.5
# A partner form or API call names a handful of people and phones; more is a bulk import, not a report.
MAX_MENTIONS = 50
MAX_FIELD_CHARS = 200

ATTRIBUTE_FIELDS = ("name", "dob", "gender", "nationality", "phone", "email", "id_number", "address")
# Which attribute carries the value of a mention of each kind; others use "name" or "value".
VALUE_FIELD = {EntityKind.PERSON: "name", EntityKind.PHONE: "phone", EntityKind.DOCUMENT: "id_number"}
SPECIFIC_PURPOSES = (MatchKey.Purpose.DOCUMENT, MatchKey.Purpose.EMAIL, MatchKey.Purpose.PHONE)
KEY_INDEX: dict[str, str] = {
    MatchKey.Purpose.NAME_TOKEN: "resolution.name_token",
    MatchKey.Purpose.PHONE: "resolution.phone",
    MatchKey.Purpose.DOCUMENT: "resolution.document",
    MatchKey.Purpose.EMAIL: "resolution.email",
}


# --- mentions -------------------------------------------------------------------------------------------


def _holder(report: Report | None, record: IntelRecord | None) -> int:
    if (report is None) == (record is None):
        raise ValidationError(_("Name exactly one supporting report or record."))
    return report.organisation_id if report is not None else record.originator_id  # type: ignore[union-attr]


def _may_add(actor: Any, report: Report | None, record: IntelRecord | None, organisation_id: int) -> None:
    if actor is None:
        return  # the system: public tips, imports, the demo loader
    needed = Permission.REPORT_CREATE if report is not None else Permission.INTEL_CREATE
    if not (
        policy.has(actor, needed, organisation_id)
        or policy.has(actor, Permission.ENTITY_REVIEW, organisation_id)
    ):
        raise policy.Denied(needed)


def _clean(raw: dict[str, Any]) -> tuple[str, str, str, dict[str, str]]:
    """(kind, role, value, attributes) of one mention as given; ValidationError names what is wrong."""
    kind = str(raw.get("kind") or EntityKind.PERSON)
    if kind not in EntityKind.values:
        raise ValidationError(_("Unknown kind of mention."))
    role = str(raw.get("role") or MentionRole.OTHER)
    if role not in MentionRole.values:
        raise ValidationError(_("Unknown role."))
    attributes = {
        field: " ".join(str(raw[field]).split())
        for field in ATTRIBUTE_FIELDS
        if raw.get(field) not in (None, "") and str(raw[field]).strip()
    }
    value_field = VALUE_FIELD.get(EntityKind(kind), "name")
    value = attributes.get(value_field) or " ".join(str(raw.get("value") or "").split())
    if not value:
        raise ValidationError(_("A mention needs a name or a value."))
    if value_field not in attributes:
        attributes[value_field] = value
    if any(len(v) > MAX_FIELD_CHARS for v in (value, *attributes.values())):
        raise ValidationError(_("A value of a mention is too long."))
    return kind, role, value, attributes


def _region(mention: Mention, attributes: dict[str, str]) -> tuple[str | None, str | None]:
    """Default region for phone numbers: the report's country, then the holder's; then the nationality."""
    country = ""
    if mention.report_id and mention.report is not None:
        country = mention.report.country
    if not country:
        country = mention.organisation.country
    return (country or None), (normalise_country(attributes.get("nationality")) or None)


def phone_e164(raw: str, *, region: str | None = None, fallback: str | None = None) -> str:
    return normalise_phone(raw, region, fallback).e164


def match_keys(mention: Mention) -> list[MatchKey]:
    """The blind-indexed blocking keys of a mention: name words, E.164 phone, document number, email."""
    attributes = mention.attributes
    found: set[tuple[str, str]] = set()
    if mention.kind == EntityKind.PERSON:
        for token in normalise_name(attributes.get("name", "")).loose_tokens:
            found.add((MatchKey.Purpose.NAME_TOKEN, token))
    if attributes.get("phone"):
        region, fallback = _region(mention, attributes)
        if e164 := phone_e164(attributes["phone"], region=region, fallback=fallback):
            found.add((MatchKey.Purpose.PHONE, e164))
    if number := normalise_id_number(attributes.get("id_number")):
        found.add((MatchKey.Purpose.DOCUMENT, number))
    if email := normalise_email(attributes.get("email"))[0]:
        found.add((MatchKey.Purpose.EMAIL, email))
    return [
        MatchKey(mention=mention, purpose=purpose, digest=blind_index(value, purpose=KEY_INDEX[purpose]))
        for purpose, value in sorted(found)
    ]


def mentions_add(
    *,
    actor: Any,
    mentions: Sequence[dict[str, Any]],
    report: Report | None = None,
    record: IntelRecord | None = None,
    resolve: bool = True,
) -> list[Mention]:
    """Store what a report or record names, with its match keys; resolution runs after commit."""
    organisation_id = _holder(report, record)
    _may_add(actor, report, record, organisation_id)
    if len(mentions) > MAX_MENTIONS:
        raise ValidationError(_("Name at most %(n)d people, phones or agencies.") % {"n": MAX_MENTIONS})
    cleaned = [_clean(raw) for raw in mentions]
    created: list[Mention] = []
    with transaction.atomic():
        for kind, role, value, attributes in cleaned:
            mention = Mention.objects.create(
                organisation_id=organisation_id,
                report=report,
                record=record,
                kind=kind,
                role=role,
                value=value,
                attributes=attributes,
            )
            MatchKey.objects.bulk_create(match_keys(mention))
            audit.record(
                actor=actor,
                action="mention.add",
                target=mention,
                organisation=organisation_id,
                details={"kind": kind, "role": role},
            )
            created.append(mention)
        if resolve and created:
            ids = [m.pk for m in created]
            transaction.on_commit(lambda: _queue_resolution(ids))
    return created


def _queue_resolution(mention_ids: list[int]) -> None:
    from tiaki.resolution.tasks import resolve_mentions

    resolve_mentions.enqueue(mention_ids)


# --- resolution -----------------------------------------------------------------------------------------


def _source(mention: Mention) -> dict[str, Any]:
    return {"report": mention.report} if mention.report_id else {"record": mention.record}


def _reason_key(mention: Mention) -> str:
    return f"report:{mention.report_id}" if mention.report_id else f"record:{mention.record_id}"


def entity_support(entity: Entity, mention: Mention) -> None:
    """Provenance for an existing entity from the mention's report or record, and alerts to its watchers."""
    source = _source(mention)
    _row, added = Provenance.objects.get_or_create(
        entity=entity, organisation_id=mention.organisation_id, **source
    )
    if added:
        audit.record(
            actor=None,
            action="entity.support",
            target=entity,
            organisation=mention.organisation_id,
            details={"kind": entity.kind, "source": _reason_key(mention)},
        )
        graph.alerts_raise(
            entity_ids=[entity.pk],
            reason="report" if mention.report_id else "record",
            reason_key=_reason_key(mention),
        )


def person_attributes(attributes: dict[str, str]) -> dict[str, str]:
    """What an entity shows of a person mention: the name (and its Latin form) and identifying facts."""
    out = {k: attributes[k] for k in ("name", "dob", "gender", "nationality") if attributes.get(k)}
    latin = normalise_name(attributes.get("name", "")).latin
    if latin and latin.casefold() != attributes.get("name", "").casefold():
        out["latin_name"] = latin
    return out


def person_indexes(mention: Mention) -> dict[str, str]:
    """The blind indexes of a person's phone and document for the entity (`phone_index`, `document_index`),
    the same ones intelligence and watchlist screening look entities up by."""
    attributes = mention.attributes
    found = {}
    if attributes.get("phone"):
        region, fallback = _region(mention, attributes)
        if e164 := phone_e164(attributes["phone"], region=region, fallback=fallback):
            found["phone_index"] = graph.phone_key(e164)
    if number := normalise_id_number(attributes.get("id_number")):
        found["document_index"] = graph.document_key(number)
    return found


def _fill_indexes(entity: Entity, mention: Mention) -> None:
    missing = {k: v for k, v in person_indexes(mention).items() if not getattr(entity, k)}
    if missing:
        for key, value in missing.items():
            setattr(entity, key, value)
        entity.save(update_fields=list(missing))


def _new_person(mention: Mention) -> Entity:
    with transaction.atomic():
        entity = Entity.objects.create(
            kind=EntityKind.PERSON,
            label=mention.value,
            attributes=person_attributes(mention.attributes),
            owner_id=mention.organisation_id,
            **person_indexes(mention),
        )
        audit.record(
            actor=None,
            action="entity.create",
            target=entity,
            organisation=mention.organisation_id,
            details={"kind": entity.kind, "source": _reason_key(mention)},
        )
        entity_support(entity, mention)
    return entity


def _link(
    mention: Mention,
    entity: Entity,
    *,
    probability: float,
    decision: str,
    reasons: list[str] | None = None,
    candidate: Entity | None = None,
) -> EntityLink:
    link = EntityLink.objects.create(
        mention=mention,
        entity=entity,
        probability=round(min(max(probability, 0.0), 1.0), 6),
        reasons=reasons or [],
        model_version=MODEL_VERSION,
        decision=decision,
        candidate=candidate,
    )
    audit.record(
        actor=None,
        action="entity_link.create",
        target=link,
        organisation=mention.organisation_id,
        details={"kind": mention.kind, "decision": decision},
    )
    return link


def _exact(mention: Mention) -> EntityLink:
    """Phones, documents, agencies and the other kinds resolve exactly, by blind index or register name."""
    attributes = mention.attributes
    source = _source(mention)
    kind = mention.kind
    if kind == EntityKind.PHONE:
        region, fallback = _region(mention, attributes)
        e164 = phone_e164(mention.value, region=region, fallback=fallback)
        existing = bool(e164) and Entity.objects.filter(kind=kind, phone_index=graph.phone_key(e164)).exists()
        fallback_key = "" if e164 else f"phone:{blind_index(mention.value, purpose=KEY_INDEX['phone'])}"
        existing = existing or bool(
            fallback_key and Entity.objects.filter(external_key=fallback_key).exists()
        )
        entity = graph.entity_upsert(
            actor=None,
            kind=kind,
            label=e164 or mention.value,
            phone=e164,
            external_key=fallback_key,
            **source,
        )
        return _link(
            mention, entity, probability=1.0, decision=_exact_decision(existing), reasons=["phone: exact"]
        )
    if kind == EntityKind.DOCUMENT:
        number = normalise_id_number(mention.value)
        existing = Entity.objects.filter(kind=kind, document_index=graph.document_key(number)).exists()
        entity = graph.entity_upsert(
            actor=None, kind=kind, label=mention.value, document_number=number, **source
        )
        return _link(
            mention, entity, probability=1.0, decision=_exact_decision(existing), reasons=["document: exact"]
        )
    if kind == EntityKind.AGENCY:
        key = graph.name_key(mention.value)
        agency = Agency.objects.filter(name_key=key).select_related("entity").first()
        if agency is not None and agency.entity is not None:
            entity_support(agency.entity, mention)
            return _link(
                mention,
                agency.entity,
                probability=1.0,
                decision=LinkDecision.AUTO,
                reasons=["agency: register"],
            )
        external_key = f"agency:{blind_index(key, purpose='resolution.agency')}"
        existing = Entity.objects.filter(external_key=external_key).exists()
        entity = graph.entity_upsert(
            actor=None, kind=kind, label=mention.value, external_key=external_key, **source
        )
        if agency is not None and agency.entity_id is None:
            agency.entity = entity
            agency.save(update_fields=["entity"])
        return _link(
            mention,
            entity,
            probability=1.0,
            decision=_exact_decision(existing),
            reasons=["agency: same name"],
        )
    external_key = f"{kind}:{blind_index(mention.value, purpose='resolution.value')}"
    existing = Entity.objects.filter(external_key=external_key).exists()
    entity = graph.entity_upsert(
        actor=None, kind=kind, label=mention.value, external_key=external_key, **source
    )
    return _link(
        mention, entity, probability=1.0, decision=_exact_decision(existing), reasons=[f"{kind}: exact"]
    )


def _exact_decision(existing: bool) -> str:
    return LinkDecision.AUTO if existing else LinkDecision.NEW


def candidate_ids(mentions: Sequence[Mention], *, limit: int = CANDIDATES_PER_MENTION) -> list[int]:
    """Resolved person mentions sharing a key with any of `mentions`: for each, at most `limit`, most
    specific keys first — a shared document, email or phone, then the mentions sharing the most name words.
    At most CANDIDATE_LIMIT in all."""
    own = [m.pk for m in mentions]
    resolved = MatchKey.objects.filter(mention__kind=EntityKind.PERSON, mention__link__isnull=False).exclude(
        mention__in=own
    )
    keys: dict[int, list[tuple[str, str]]] = {}
    for mention_id, purpose, digest in MatchKey.objects.filter(mention__in=own).values_list(
        "mention_id", "purpose", "digest"
    ):
        keys.setdefault(mention_id, []).append((purpose, digest))
    chosen: dict[int, None] = {}
    for mention_keys in keys.values():
        mine: dict[int, None] = {}
        specific = [d for p, d in mention_keys if p in SPECIFIC_PURPOSES]
        if specific:
            rows = resolved.filter(purpose__in=SPECIFIC_PURPOSES, digest__in=specific).order_by("-mention_id")
            for mention_id in rows.values_list("mention_id", flat=True)[: limit * 2]:
                mine.setdefault(mention_id)
        names = [d for p, d in mention_keys if p == MatchKey.Purpose.NAME_TOKEN]
        if names and len(mine) < limit:
            ranked = (
                resolved.filter(purpose=MatchKey.Purpose.NAME_TOKEN, digest__in=names)
                .values("mention_id")
                .annotate(shared=Count("id"))
                .order_by("-shared", "-mention_id")
            )
            for row in ranked[: limit * 2]:
                mine.setdefault(row["mention_id"])
                if len(mine) >= limit:
                    break
        chosen.update(dict.fromkeys(list(mine)[:limit]))
    return list(chosen)[:CANDIDATE_LIMIT]


def _frame(mentions: Iterable[Mention]) -> pd.DataFrame:
    rows = []
    for mention in mentions:
        row = {field: mention.attributes.get(field, "") for field in ATTRIBUTE_FIELDS}
        row["id"] = str(mention.pk)
        row["source"] = mention.organisation.country
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "source", *ATTRIBUTE_FIELDS])


@dataclass
class Scored:
    candidate: Mention
    probability: float
    reasons: list[str]


def _best_matches(new: Sequence[Mention]) -> dict[int, Scored]:
    """The best-scoring resolved mention for each new person mention (at or above REVIEW_FLOOR)."""
    ids = candidate_ids(new)
    if not ids:
        return {}
    candidates = {
        m.pk: m
        for m in Mention.objects.filter(pk__in=ids).select_related("organisation", "link", "link__entity")
    }
    scores = match_new_mentions(
        _frame(candidates.values()),
        _frame(new),
        threshold=REVIEW_FLOOR,
        # The candidates were chosen because they share these words: counting how common a name is among
        # them would make every name look common (see match_new_mentions).
        term_frequencies=False,
    )
    best: dict[int, Scored] = {}
    for row in scores.sort_values(["match_probability", "id_l"], ascending=[False, True]).itertuples():
        new_id, old_id = int(row.id_r), int(row.id_l)
        if new_id not in best:
            reasons = [r.strip() for r in str(row.reasons or "").split(",") if r.strip()]
            best[new_id] = Scored(candidates[old_id], float(row.match_probability), reasons)
    return best


def mentions_resolve(*, mentions: Sequence[Mention]) -> list[EntityLink]:
    """Link each unresolved mention to an entity: auto, pending review, or new; then role relations.

    Runs as the system (the background task after a report is stored, or the demo loader). Mentions that
    already have a link are left alone: an analyst's decision is never overwritten by a re-run.
    """
    ids = [m.pk for m in mentions]
    todo = list(
        Mention.objects.filter(pk__in=ids, link__isnull=True).select_related(
            "organisation", "report", "record"
        )
    )
    if not todo:
        return []
    people = [m for m in todo if m.kind == EntityKind.PERSON]
    best = _best_matches(people) if people else {}
    links: list[EntityLink] = []
    with transaction.atomic():
        for mention in todo:
            if mention.kind != EntityKind.PERSON:
                links.append(_exact(mention))
                continue
            found = best.get(mention.pk)
            if found is not None and found.probability >= AUTO_THRESHOLD:
                entity = found.candidate.link.entity
                entity_support(entity, mention)
                _fill_indexes(entity, mention)
                links.append(
                    _link(
                        mention,
                        entity,
                        probability=found.probability,
                        decision=LinkDecision.AUTO,
                        reasons=found.reasons,
                    )
                )
            elif found is not None:
                links.append(
                    _link(
                        mention,
                        _new_person(mention),
                        probability=found.probability,
                        decision=LinkDecision.PENDING,
                        reasons=found.reasons,
                        candidate=found.candidate.link.entity,
                    )
                )
            else:
                links.append(_link(mention, _new_person(mention), probability=0.0, decision=LinkDecision.NEW))
        _relate_by_roles(links)
        _relate_shared_phones(links)
    return links


# A number shared by more people than this is a switchboard or an agency line, not a personal link.
SHARED_PHONE_LIMIT = 10


def _relate_shared_phones(links: Sequence[EntityLink]) -> list[Relation]:
    """Two people given the same phone number share it: a `shares_phone_with` relation (confidence 1.0,
    the numbers match exactly), supported by the new mention's report or record."""
    made: list[Relation] = []
    for link in links:
        mention = link.mention
        if mention.kind != EntityKind.PERSON:
            continue
        phones = MatchKey.objects.filter(mention=mention, purpose=MatchKey.Purpose.PHONE).values("digest")
        others = (
            EntityLink.objects.filter(
                mention__kind=EntityKind.PERSON,
                mention__keys__purpose=MatchKey.Purpose.PHONE,
                mention__keys__digest__in=phones,
            )
            .exclude(entity_id=link.entity_id)
            .values_list("entity_id", flat=True)
            .distinct()
        )
        sharing = list(others[: SHARED_PHONE_LIMIT + 1])
        if not sharing or len(sharing) > SHARED_PHONE_LIMIT:
            continue
        for other in Entity.objects.filter(pk__in=sharing):
            made.append(
                graph.relation_add(
                    actor=None,
                    source=link.entity,
                    target=other,
                    relation_type=RelationType.SHARES_PHONE_WITH,
                    **_source(mention),
                )
            )
    return made


def _relate_by_roles(links: Sequence[EntityLink]) -> list[Relation]:
    """Relations the roles in one report make clear: its suspect recruited its victim, a suspect works for
    the agency it names, the victim was recruited through it, and a document named beside one person is
    theirs."""
    fresh = {link.entity_id for link in links}
    by_source: dict[tuple[str, int | None], list[EntityLink]] = {}
    for link in links:
        mention = link.mention
        key = ("report", mention.report_id) if mention.report_id else ("record", mention.record_id)
        if key not in by_source:
            # Mentions of the same report resolved earlier (a later batch adds to what it already named).
            by_source[key] = list(
                EntityLink.objects.filter(**{f"mention__{key[0]}_id": key[1]})
                .exclude(pk__in=[other.pk for other in links])
                .select_related("mention", "entity")
            )
        by_source[key].append(link)
    made: list[Relation] = []
    for group in by_source.values():
        mention = group[-1].mention
        source = _source(mention)
        seen_on = mention.report.occurred_on if mention.report_id and mention.report else None

        def of(kind: str, role: str | None = None, group: list[EntityLink] = group) -> list[Entity]:
            found: dict[int, Entity] = {}
            for link in group:
                if link.mention.kind == kind and (role is None or link.mention.role == role):
                    found.setdefault(link.entity_id, link.entity)
            return list(found.values())

        suspects, victims = (
            of(EntityKind.PERSON, MentionRole.SUSPECT),
            of(EntityKind.PERSON, MentionRole.VICTIM),
        )
        pairs: list[tuple[Entity, Entity, str]] = [
            (s, v, RelationType.RECRUITED) for s in suspects for v in victims
        ]
        for agency in of(EntityKind.AGENCY):
            pairs += [(s, agency, RelationType.WORKS_FOR) for s in suspects]
            pairs += [(v, agency, RelationType.RECRUITED_THROUGH) for v in victims]
        people = of(EntityKind.PERSON)
        if len(people) == 1:
            pairs += [(people[0], d, RelationType.USES_DOCUMENT) for d in of(EntityKind.DOCUMENT)]
        for a, b, relation_type in pairs:
            if a.pk != b.pk and (a.pk in fresh or b.pk in fresh):
                made.append(
                    graph.relation_add(
                        actor=None,
                        source=a,
                        target=b,
                        relation_type=relation_type,
                        confidence=ROLE_RELATION_CONFIDENCE,
                        seen_on=seen_on,
                        **source,
                    )
                )
    return made


# --- analyst decisions ----------------------------------------------------------------------------------


def _require_review(actor: Any, link: EntityLink) -> None:
    policy.require(actor, Permission.ENTITY_REVIEW, link.mention.organisation_id)


def entity_merge(*, actor: Any, source: Entity, into: Entity, organisation_id: int) -> Entity:
    """Move everything of `source` (links, provenance, relations, watches) onto `into`; remove `source`.

    Callers check the actor's right to decide; this records the merge in the audit chain.
    """
    if source.pk == into.pk:
        return into
    with transaction.atomic():
        EntityLink.objects.filter(entity=source).update(entity=into)
        EntityLink.objects.filter(candidate=source).update(candidate=into)
        for row in Provenance.objects.filter(entity=source):
            twin = Provenance.objects.filter(
                entity=into,
                **_same_support(row),
            )
            if twin.exists():
                row.delete()
            else:
                row.entity = into
                row.save(update_fields=["entity"])
        for relation in list(Relation.objects.filter(Q(source=source) | Q(target=source))):
            _move_relation(relation, old=source, new=into)
        for watch in Watch.objects.filter(entity=source):
            if Watch.objects.filter(user_id=watch.user_id, entity=into, kind=watch.kind).exists():
                watch.delete()
            else:
                watch.entity = into
                watch.save(update_fields=["entity"])
        Alert.objects.filter(entity=source).update(entity=into)
        _move_screening_rows(source, into)
        Agency.objects.filter(entity=source).update(entity=None if hasattr(into, "agency") else into)
        merged_attributes = {**source.attributes, **into.attributes}
        if merged_attributes != into.attributes:
            into.attributes = merged_attributes
            into.save(update_fields=["attributes"])
        audit.record(
            actor=actor,
            action="entity.merge",
            target=into,
            organisation=organisation_id,
            details={"from": source.pk, "into": into.pk},
        )
        source.delete()
    return into


def _same_support(row: Provenance) -> dict[str, Any]:
    return {"report_id": row.report_id, "record_id": row.record_id, "organisation_id": row.organisation_id}


def _move_screening_rows(source: Entity, into: Entity) -> None:
    """Watchlist hits and remembered decisions on the merged entity follow it (unless already held)."""
    from tiaki.resolution.models import HitDecision, WatchlistHit

    for hit in WatchlistHit.objects.filter(entity=source):
        if not WatchlistHit.objects.filter(
            screening_id=hit.screening_id, record_ref=hit.record_ref, entity=into
        ).exists():
            WatchlistHit.objects.filter(pk=hit.pk).update(entity=into)
    for decision in HitDecision.objects.filter(entity=source):
        if not HitDecision.objects.filter(
            organisation_id=decision.organisation_id, fingerprint=decision.fingerprint, entity=into
        ).exists():
            HitDecision.objects.filter(pk=decision.pk).update(entity=into)


def _move_relation(
    relation: Relation, *, old: Entity, new: Entity, report_only: dict[str, Any] | None = None
) -> None:
    """Point one end of a relation at another entity (joining a relation that already exists there).

    With `report_only` (a provenance filter), only the support from that source moves; the rest stays.
    """
    source_id = new.pk if relation.source_id == old.pk else relation.source_id
    target_id = new.pk if relation.target_id == old.pk else relation.target_id
    support = relation.provenance.all()
    if report_only is not None:
        support = support.filter(**report_only)
    if source_id == target_id:
        if report_only is None:
            relation.delete()
        return
    moving_everything = report_only is None or support.count() == relation.provenance.count()
    twin = Relation.objects.filter(
        source_id=source_id, target_id=target_id, relation_type=relation.relation_type
    ).first()
    if twin is None and moving_everything:
        relation.source_id, relation.target_id = source_id, target_id
        relation.save(update_fields=["source", "target"])
        return
    if twin is None:
        twin = Relation.objects.create(
            source_id=source_id,
            target_id=target_id,
            relation_type=relation.relation_type,
            confidence=relation.confidence,
            first_seen=relation.first_seen,
            last_seen=relation.last_seen,
        )
    for row in support:
        if Provenance.objects.filter(
            relation=twin,
            **_same_support(row),
        ).exists():
            row.delete()
        else:
            row.relation = twin
            row.save(update_fields=["relation"])
    if moving_everything:
        relation.delete()


def entity_link_confirm(*, actor: Any, link: EntityLink) -> EntityLink:
    """An analyst confirms a pending link: the mention's entity is merged into the proposed entity."""
    _require_review(actor, link)
    if link.decision != LinkDecision.PENDING or link.candidate_id is None:
        raise ValidationError(_("This link is not waiting for review."))
    with transaction.atomic():
        link = EntityLink.objects.select_for_update().get(pk=link.pk)
        candidate = Entity.objects.get(pk=link.candidate.pk)  # type: ignore[union-attr]
        entity_merge(
            actor=actor, source=link.entity, into=candidate, organisation_id=link.mention.organisation_id
        )
        link.refresh_from_db()
        link.decision = LinkDecision.CONFIRMED
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.save(update_fields=["decision", "decided_by", "decided_at"])
        # Other proposals the merge has settled (both sides are now one entity) are confirmed with it.
        EntityLink.objects.filter(
            decision=LinkDecision.PENDING, entity=candidate, candidate=candidate
        ).update(decision=LinkDecision.CONFIRMED, decided_by=actor, decided_at=link.decided_at)
        audit.record(
            actor=actor,
            action="entity_link.confirm",
            target=link,
            organisation=link.mention.organisation_id,
            details={"entity": candidate.pk},
        )
    return link


def entity_link_reject(*, actor: Any, link: EntityLink) -> EntityLink:
    """An analyst rejects a pending link: the two stay apart, and the decision keeps its candidate so the
    pair is never proposed again."""
    _require_review(actor, link)
    if link.decision != LinkDecision.PENDING:
        raise ValidationError(_("This link is not waiting for review."))
    with transaction.atomic():
        link.decision = LinkDecision.REJECTED
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.save(update_fields=["decision", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="entity_link.reject",
            target=link,
            organisation=link.mention.organisation_id,
            details={"entity": link.entity_id, "candidate": link.candidate_id},
        )
    return link


def entity_link_decide(*, actor: Any, link: EntityLink, decision: str) -> EntityLink:
    if decision == "confirm":
        return entity_link_confirm(actor=actor, link=link)
    if decision == "reject":
        return entity_link_reject(actor=actor, link=link)
    raise ValidationError({"decision": _("Choose confirm or reject.")})


def mention_split(*, actor: Any, mention: Mention) -> Entity:
    """Move one mention off its entity into a new entity of its own, with the support it brought.

    Recorded as a rejected link to the old entity, so resolution will not propose the pair again.
    """
    link = EntityLink.objects.select_related("entity").get(mention=mention)
    _require_review(actor, link)
    old = link.entity
    if not EntityLink.objects.filter(entity=old).exclude(pk=link.pk).exists():
        raise ValidationError(_("This mention is the only one of its entity."))
    with transaction.atomic():
        new = Entity.objects.create(
            kind=old.kind,
            label=mention.value,
            attributes=person_attributes(mention.attributes) if mention.kind == EntityKind.PERSON else {},
            owner_id=mention.organisation_id,
        )
        source_filter = (
            {"report_id": mention.report_id} if mention.report_id else {"record_id": mention.record_id}
        )
        still_supported = (
            EntityLink.objects.filter(entity=old, mention__in=Mention.objects.filter(**source_filter))
            .exclude(pk=link.pk)
            .exists()
        )
        Provenance.objects.create(entity=new, organisation_id=mention.organisation_id, **source_filter)
        if not still_supported:
            Provenance.objects.filter(entity=old, **source_filter).delete()
            touching = Relation.objects.filter(Q(source=old) | Q(target=old)).filter(
                provenance__in=Provenance.objects.filter(**source_filter)
            )
            for relation in list(touching.distinct()):
                _move_relation(relation, old=old, new=new, report_only=source_filter)
        link.entity = new
        link.candidate = old
        link.decision = LinkDecision.REJECTED
        link.decided_by = actor
        link.decided_at = timezone.now()
        link.save(update_fields=["entity", "candidate", "decision", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="entity.split",
            target=new,
            organisation=mention.organisation_id,
            details={"from": old.pk, "mention": mention.pk},
        )
    return new
