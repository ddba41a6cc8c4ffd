"""Policy rules for watchlist screenings, their hits and remembered decisions.

A screening, its hits and the decisions taken on them belong to the organisation that screened: they are
readable only by its members who hold WATCHLIST_SCREEN, whatever permission another page asks with.
"""

from __future__ import annotations

from django.db.models import Q

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.resolution.models import HitDecision, WatchlistHit, WatchlistScreening

_NOTHING = Q(pk__in=[])


def _screening_orgs(context: policy.Context) -> frozenset[int]:
    if context.permission != Permission.WATCHLIST_SCREEN:
        return frozenset()
    return context.organisation_ids


@policy.rule(WatchlistScreening)
def _screenings(context: policy.Context) -> Q:
    orgs = _screening_orgs(context)
    return Q(organisation__in=orgs) if orgs else _NOTHING


@policy.rule(WatchlistHit)
def _hits(context: policy.Context) -> Q:
    orgs = _screening_orgs(context)
    return Q(screening__organisation__in=orgs) if orgs else _NOTHING


@policy.rule(HitDecision)
def _decisions(context: policy.Context) -> Q:
    orgs = _screening_orgs(context)
    return Q(organisation__in=orgs) if orgs else _NOTHING
