"""Fixtures for intelligence: two agencies with officers, a partner police force, and an agreement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.governance.services import sharing_agreement_set


@pytest.fixture
def police(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("Partner Police", org_type="law_enforcement", country="TH")


@pytest.fixture
def officer_a(org_a: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org_a, Role.LIAISON_OFFICER, "officer.a")


@pytest.fixture
def officer_b(org_b: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org_b, Role.LIAISON_OFFICER, "officer.b")


@pytest.fixture
def partner(police: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(police, Role.PARTNER_LAW_ENFORCEMENT, "partner.le")


@pytest.fixture
def agreement_p(org_a: Organisation, police: Organisation) -> Any:
    """Org A may release P-coded intelligence to the police, but not C-coded."""
    return sharing_agreement_set(
        actor=None, provider=org_a, recipient=police, intelligence_p=True, valid_from=dt.date(2020, 1, 1)
    )


@pytest.fixture
def small_network(org_a: Organisation, org_b: Organisation) -> SimpleNamespace:
    """Centre Boss ← Mate Driver → Far Victim, known to org A; org B alone knows who recruited the driver."""
    from tiaki.intelligence import services

    from .factories import entity, report

    net = SimpleNamespace(
        centre=entity(org_a, "Centre Boss"),
        mate=entity(org_a, "Mate Driver"),
        far=entity(org_a, "Far Victim"),
        hidden=entity(org_b, "LEAK-MARKER hidden"),
    )
    links = [
        (net.mate, net.centre, "works_for", org_a),
        (net.mate, net.far, "transported", org_a),
        (net.hidden, net.mate, "recruited", org_b),
    ]
    for source, target, relation_type, holder in links:
        services.relation_add(
            actor=None, source=source, target=target, relation_type=relation_type, report=report(holder)
        )
    return net
