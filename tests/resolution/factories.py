"""Access-matrix registrations for resolution: the review queue (review_factories) and watchlists.

Two modules so that the review queue and watchlist screening can grow independently; merged here because the
access matrix reads one factories module per test package. Resolution has no public pages.
"""

from __future__ import annotations

from typing import Any

from . import review_factories, watchlist_factories


def _merged(name: str) -> Any:
    merged: dict[Any, Any] = {}
    for module in (review_factories, watchlist_factories):
        merged |= getattr(module, name, {})
    return merged


OBJECT_FACTORIES = _merged("OBJECT_FACTORIES")
API_BODIES = _merged("API_BODIES")
SHARED_PARAMETERS = _merged("SHARED_PARAMETERS")
