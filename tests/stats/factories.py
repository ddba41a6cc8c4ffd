"""Access-matrix registrations for statistics pages."""

from __future__ import annotations

from collections.abc import Callable

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.stats import dp

from ..conftest import verified


def _release(organisation: Organisation) -> dict[str, int]:
    releaser = verified(
        accounts_services.user_create(
            actor=None,
            organisation=organisation,
            username=f"releaser-{organisation.pk}",
            password=None,
            role=Role.CASE_SUPERVISOR,
        )
    )
    release = dp.dp_release_create(
        actor=releaser, organisation=organisation, query="reports_by_country", epsilon=1.0, seed=7
    )
    return {"release_id": release.pk}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "stats:dp_release_detail": _release,
}
