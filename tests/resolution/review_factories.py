"""Access-matrix registrations for the review queue of entity links, and builders for its tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tiaki.accounts.models import Organisation
from tiaki.intelligence import services as graph
from tiaki.intelligence.models import Entity
from tiaki.resolution import services
from tiaki.resolution.models import EntityLink, LinkDecision, Mention

from ..intelligence.factories import report


def mention(organisation: Organisation, name: str = "LEAK-MARKER Tran Van Hung", **fields: Any) -> Mention:
    """One person mention in a new report of `organisation`, stored without resolving it."""
    [made] = services.mentions_add(
        actor=None,
        report=report(organisation),
        mentions=[{"kind": "person", "role": fields.pop("role", "suspect"), "name": name, **fields}],
        resolve=False,
    )
    return made


def linked(
    found: Mention,
    *,
    entity: Entity | None = None,
    decision: str = LinkDecision.NEW,
    probability: float = 0.0,
    candidate: Entity | None = None,
) -> EntityLink:
    """Link a mention by hand (no model): to `entity`, or to a new entity of its own."""
    if entity is None:
        entity = graph.entity_upsert(actor=None, kind="person", label=found.value, report=found.report)
    else:
        services.entity_support(entity, found)
    return EntityLink.objects.create(
        mention=found,
        entity=entity,
        probability=probability,
        reasons=["name: similar"],
        model_version="test",
        decision=decision,
        candidate=candidate,
    )


def pending(organisation: Organisation) -> EntityLink:
    """Two mentions on two entities, the second proposed (pending) for the first's entity."""
    first = linked(mention(organisation))
    second = mention(organisation, "LEAK-MARKER Tran V. Hung")
    own = graph.entity_upsert(actor=None, kind="person", label=second.value, report=second.report)
    return EntityLink.objects.create(
        mention=second,
        entity=own,
        probability=0.62,
        reasons=["name: similar"],
        model_version="test",
        decision=LinkDecision.PENDING,
        candidate=first.entity,
    )


def _link_ids(organisation: Organisation) -> dict[str, int]:
    return {"link_id": pending(organisation).pk}


def _entity_ids(organisation: Organisation) -> dict[str, int]:
    return {"entity_id": linked(mention(organisation)).entity_id}


def _mention_ids(organisation: Organisation) -> dict[str, int]:
    first = linked(mention(organisation))
    second = linked(mention(organisation, "LEAK-MARKER Hung Tran"), entity=first.entity)
    return {"mention_id": second.mention_id}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "resolution:link_decide": _link_ids,
    "resolution:entity_mentions": _entity_ids,
    "resolution:mention_split": _mention_ids,
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/resolution/reports/{report_id}/mentions", "POST"): {
        "mentions": [{"kind": "person", "role": "suspect", "name": "Tran Van Hung"}]
    },
    ("/api/v1/resolution/links/{link_id}/decision", "POST"): {"decision": "reject"},
}
