"""Access-matrix registrations for programme pages: how to make each object a page acts on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tiaki.accounts.models import Organisation
from tiaki.programmes import services


def _partnership(organisation: Organisation) -> dict[str, int]:
    partnership = services.partnership_create(
        actor=None, organisation=organisation, partner_name="LEAK-MARKER partner", partner_country="TH"
    )
    services.contact_add(actor=None, partnership=partnership, name="LEAK-MARKER contact")
    return {"partnership_id": partnership.pk}


def _event(organisation: Organisation) -> dict[str, int]:
    event = services.outreach_event_create(
        actor=None,
        organisation=organisation,
        title="LEAK-MARKER event",
        held_on=dt.date(2026, 3, 1),
        country="TH",
        place="Mae Sot",
        audiences=["youth"],
        languages=["th"],
        attendance={"F|0-17": 12},
    )
    return {"event_id": event.pk}


def _campaign(organisation: Organisation) -> dict[str, int]:
    campaign = services.campaign_create(
        actor=None,
        organisation=organisation,
        title="LEAK-MARKER campaign",
        channel="radio",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
        languages=["vi"],
    )
    return {"campaign_id": campaign.pk}


def _course(organisation: Organisation) -> dict[str, int]:
    course = services.course_create(actor=None, organisation=organisation, title="LEAK-MARKER course")
    return {"course_id": course.pk}


def _session(organisation: Organisation) -> dict[str, int]:
    course = services.course_create(actor=None, organisation=organisation, title="LEAK-MARKER course")
    session = services.session_create(
        actor=None, course=course, starts_on=dt.date(2026, 2, 1), ends_on=dt.date(2026, 2, 2), language="en"
    )
    return {"session_id": session.pk}


def _participant(organisation: Organisation) -> dict[str, int]:
    from tiaki.programmes.models import Session

    session = Session.objects.get(pk=_session(organisation)["session_id"])
    participant = services.participant_enrol(
        actor=None, session=session, name="LEAK-MARKER person", gender="F"
    )
    return {"participant_id": participant.pk}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "programmes:partnership_detail": _partnership,
    "programmes:agreement_add": _partnership,
    "programmes:contact_add": _partnership,
    "programmes:activity_add": _partnership,
    "programmes:event_detail": _event,
    "programmes:campaign_detail": _campaign,
    "programmes:campaign_metrics_import": _campaign,
    "programmes:course_detail": _course,
    "programmes:session_create": _course,
    "programmes:session_detail": _session,
    "programmes:participant_enrol": _session,
    "programmes:knowledge_test": _participant,
    "programmes:certificate": _participant,
}

PUBLIC_PAGES = {"programmes:lessons"}

SHARED_PARAMETERS = {
    "programmes:campaign_kit_image": {"language": "th", "kind": "square"},
    "programmes:campaign_kit_poster": {"language": "my"},
}
