"""Access-matrix registrations for intelligence, and builders shared by the intelligence tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Role
from tiaki.intake.models import Channel, Report
from tiaki.intelligence import services
from tiaki.intelligence.models import Entity, IntelRecord

from ..conftest import verified


def officer(organisation: Organisation, username: str | None = None) -> Any:
    user = accounts_services.user_create(
        actor=None,
        organisation=organisation,
        username=username or f"lo{IntelRecord.objects.count()}-{Entity.objects.count()}-{organisation.pk}",
        password=None,
        role=Role.LIAISON_OFFICER,
    )
    return verified(user)


def report(organisation: Organisation, narrative: str = "LEAK-MARKER") -> Report:
    return Report.objects.create(
        organisation=organisation,
        channel=Channel.INTERVIEW,
        narrative=narrative,
        occurred_on=dt.date(2026, 3, 1),
    )


def record(organisation: Organisation, *, handling_code: str = "P", author: Any = None) -> IntelRecord:
    return services.intel_record_create(
        actor=author or officer(organisation),
        organisation=organisation,
        title="LEAK-MARKER title",
        text="LEAK-MARKER original text naming the informant",
        sanitised_text="LEAK-MARKER sanitised text",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code=handling_code,
        handling_conditions="Not for onward disclosure" if handling_code == "C" else "",
    )


def entity(organisation: Organisation, label: str = "LEAK-MARKER person", **kwargs: Any) -> Entity:
    return services.entity_upsert(
        actor=None, kind="person", label=label, report=report(organisation), **kwargs
    )


def _record_ids(organisation: Organisation) -> dict[str, int]:
    return {"record_id": record(organisation).pk}


def _entity_ids(organisation: Organisation) -> dict[str, int]:
    return {"entity_id": entity(organisation).pk}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "intelligence:record_detail": _record_ids,
    "intelligence:record_release": _record_ids,
    "intelligence:record_entity_add": _record_ids,
    "intelligence:record_link_add": _record_ids,
    "intelligence:entity_detail": _entity_ids,
    "intelligence:entity_graph": _entity_ids,
    "intelligence:entity_watch": _entity_ids,
    "intelligence:entity_unwatch": _entity_ids,
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/intelligence/records", "POST"): {
        "title": "Recruiter at the border",
        "text": "Seen at the crossing.",
        "sanitised_text": "Seen at a crossing.",
        "source_evaluation": "2",
        "intelligence_assessment": "C",
        "handling_code": "P",
    },
    ("/api/v1/intelligence/records/{record_id}/releases", "POST"): {"organisation_id": 1},
}
