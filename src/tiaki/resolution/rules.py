"""Policy rules for mentions, match keys and entity links: they follow the report or record naming them.

A mention is visible where its report is visible (the organisation holding it) or, for a mention of an
intelligence record, to the record's originator only: recipients of a release read the sanitised text, and
the mentions of the original could name the source it holds back.
"""

from __future__ import annotations

from django.db.models import Q

from tiaki.governance import policy
from tiaki.resolution.models import EntityLink, MatchKey, Mention


def mentions_visible_q(organisation_ids: frozenset[int] | set[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}report__organisation__in": organisation_ids}) | Q(
        **{f"{prefix}record__originator__in": organisation_ids}
    )


@policy.rule(Mention)
def _mentions(context: policy.Context) -> Q:
    return mentions_visible_q(context.organisation_ids)


@policy.rule(MatchKey)
def _keys(context: policy.Context) -> Q:
    return mentions_visible_q(context.organisation_ids, "mention__")


@policy.rule(EntityLink)
def _links(context: policy.Context) -> Q:
    return mentions_visible_q(context.organisation_ids, "mention__")
