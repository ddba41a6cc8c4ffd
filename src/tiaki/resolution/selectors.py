"""Reads of entity resolution through the policy layer: the review queue and an entity's mentions.

Mention attributes are personal data (names, dates of birth, phones of victims and suspects): every read
that shows them leaves an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Abs

from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.intelligence.models import Entity
from tiaki.resolution.models import EntityLink, LinkDecision, Mention


def mention_list(*, user: Any, permission: Permission = Permission.ENTITY_REVIEW) -> models.QuerySet[Mention]:
    return policy.scoped(user, permission, Mention.objects.select_related("link", "organisation"))


def mention_get(*, user: Any, mention_id: int) -> Mention:
    return mention_list(user=user).get(pk=mention_id)


def _visible_entities(user: Any) -> models.QuerySet[Entity]:
    return policy.scoped(user, Permission.ENTITY_REVIEW, Entity.objects.all())


def review_queue(*, user: Any) -> models.QuerySet[EntityLink]:
    """Pending links the user may decide, the most uncertain (probability nearest 0.5) first.

    Both sides must be visible to the user: a proposal against an entity they may not see would reveal it.
    """
    links = policy.scoped(user, Permission.ENTITY_REVIEW, EntityLink.objects.all())
    return (
        links.filter(decision=LinkDecision.PENDING, candidate__in=_visible_entities(user).values("pk"))
        .select_related("mention", "mention__organisation", "entity", "candidate")
        .order_by(Abs(F("probability") - 0.5), "id")
    )


def link_get(*, user: Any, link_id: int) -> EntityLink:
    links = policy.scoped(user, Permission.ENTITY_REVIEW, EntityLink.objects.all())
    return links.select_related("mention", "entity", "candidate").get(pk=link_id)


@dataclass
class Side:
    entity: Entity
    # Each visible mention's attributes, in order; the model compared these.
    mentions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ReviewPair:
    link: EntityLink
    mention: Side
    candidate: Side

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(attribute, this mention's value, the candidate's values) for the side-by-side table."""
        keys = ["name", "dob", "gender", "nationality", "phone", "email", "id_number", "address"]
        mine = self.mention.mentions[0] if self.mention.mentions else {}
        rows = []
        for key in keys:
            theirs = sorted({m[key] for m in self.candidate.mentions if m.get(key)})
            if mine.get(key) or theirs:
                rows.append((key, mine.get(key, ""), " · ".join(theirs)))
        return rows


def review_pairs(*, user: Any, links: list[EntityLink]) -> list[ReviewPair]:
    """The two sides of each pending link, as far as the user may see them. Audited (identity data)."""
    if not links:
        return []
    visible = mention_list(user=user)
    candidate_ids = {link.candidate_id for link in links}
    theirs: dict[int, list[dict[str, str]]] = {}
    for mention in visible.filter(link__entity__in=candidate_ids).order_by("id")[:2000]:
        theirs.setdefault(mention.link.entity_id, []).append(mention.attributes)
    pairs = [
        ReviewPair(
            link=link,
            mention=Side(link.entity, [link.mention.attributes]),
            candidate=Side(link.candidate, theirs.get(link.candidate_id, [])),  # type: ignore[arg-type]
        )
        for link in links
    ]
    with transaction.atomic():
        audit.record(
            actor=user,
            action="mention.read",
            object_type="resolution.entitylink",
            organisation=min(policy.organisations_with(user, Permission.ENTITY_REVIEW)),
            details={"links": len(links)},
        )
    return pairs


def entity_get(*, user: Any, entity_id: int) -> Entity:
    return _visible_entities(user).get(pk=entity_id)


def entity_mentions(*, user: Any, entity: Entity) -> list[Mention]:
    """The mentions of an entity the user may see, with their links. Audited (identity data)."""
    mentions = list(mention_list(user=user).filter(link__entity=entity).order_by("id"))
    with transaction.atomic():
        audit.record(
            actor=user,
            action="mention.read",
            target=entity,
            organisation=min(policy.organisations_with(user, Permission.ENTITY_REVIEW)),
            details={"mentions": len(mentions)},
        )
    return mentions
