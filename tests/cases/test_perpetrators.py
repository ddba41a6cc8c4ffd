"""Perpetrators are intelligence entities on the case, visible only to those who may see the entity."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tiaki.cases import selectors, services
from tiaki.cases.models import Case
from tiaki.intake.models import Channel, Report
from tiaki.intelligence import services as intelligence_services

from ..conftest import verified_client
from .conftest import Partnership

pytestmark = pytest.mark.django_db


def test_perpetrator_shows_only_to_people_who_may_see_the_entity(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    report = Report.objects.create(
        organisation=partnership.post, channel=Channel.INTERVIEW, narrative="broker"
    )
    broker = intelligence_services.entity_upsert(
        actor=partnership.liaison, kind="person", label="Broker Wichai", report=report
    )
    case = open_case()
    services.perpetrator_link(
        actor=partnership.liaison, case=case, entity_id=broker.pk, role="RecruiterOrIntermediary"
    )
    assert [p.entity_id for p in selectors.perpetrators_visible(user=partnership.liaison, case=case)] == [
        broker.pk
    ]
    page = verified_client(partnership.liaison).get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert broker.reference in page.content.decode()

    # The NGO receives the case, but has no intelligence permission: it never learns of the broker.
    services.consent_record(
        actor=partnership.liaison, case=case, purpose="sharing", organisation=partnership.ngo
    )
    referral = services.referral_send(
        actor=partnership.liaison,
        case=case,
        to_organisation=partnership.ngo,
        reason="Other",
        shared_parts=["identity", "exploitation"],
    )
    services.referral_respond(actor=partnership.caseworker, referral=referral, accept=True)
    assert selectors.perpetrators_visible(user=partnership.caseworker, case=case) == []
    ngo_page = verified_client(partnership.caseworker).get(
        reverse("cases:detail", kwargs={"case_id": case.pk})
    )
    assert broker.reference not in ngo_page.content.decode()


def test_an_entity_the_actor_cannot_see_cannot_be_linked(
    partnership: Partnership, open_case: Callable[..., Case]
) -> None:
    other_report = Report.objects.create(
        organisation=partnership.police, channel=Channel.INTERVIEW, narrative="x"
    )
    hidden = intelligence_services.entity_upsert(
        actor=None, kind="person", label="Someone", report=other_report
    )
    case = open_case()
    with pytest.raises(Exception, match="does not exist"):
        services.perpetrator_link(actor=partnership.liaison, case=case, entity_id=hidden.pk, role="Exploiter")
    assert case.perpetrators.count() == 0
