"""Fixtures for case work: a Bangkok liaison post, a Hanoi NGO, a border shelter, and their staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.cases import services
from tiaki.cases.models import Case
from tiaki.governance.services import sharing_agreement_set


@dataclass
class Partnership:
    post: Organisation
    ngo: Organisation
    shelter_org: Organisation
    police: Organisation
    liaison: User
    liaison_colleague: User
    caseworker: User
    supervisor: User
    shelter_staff: User
    police_officer: User


@pytest.fixture
def partnership(
    make_organisation: Callable[..., Organisation], make_user: Callable[..., User]
) -> Partnership:
    post = make_organisation("NZ liaison post Bangkok", org_type="immigration_service", country="TH")
    ngo = make_organisation("Hanoi survivor support", org_type="ngo", country="VN")
    shelter_org = make_organisation("Border shelter school", org_type="school_shelter", country="TH")
    police = make_organisation("Thai police unit", org_type="law_enforcement", country="TH")
    for provider, recipient in [
        (post, ngo),
        (ngo, post),
        (post, shelter_org),
        (ngo, shelter_org),
        (shelter_org, ngo),
    ]:
        sharing_agreement_set(
            actor=None, provider=provider, recipient=recipient, referrals=True, valid_from=dt.date(2024, 1, 1)
        )
    return Partnership(
        post=post,
        ngo=ngo,
        shelter_org=shelter_org,
        police=police,
        liaison=make_user(post, Role.LIAISON_OFFICER, "liaison"),
        liaison_colleague=make_user(post, Role.LIAISON_OFFICER, "colleague"),
        caseworker=make_user(ngo, Role.CASEWORKER, "caseworker"),
        supervisor=make_user(ngo, Role.CASE_SUPERVISOR, "supervisor"),
        shelter_staff=make_user(shelter_org, Role.SHELTER_STAFF, "shelter"),
        police_officer=make_user(police, Role.PARTNER_LAW_ENFORCEMENT, "police"),
    )


@pytest.fixture
def open_case(partnership: Partnership) -> Callable[..., Case]:
    def open_(**overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "actor": partnership.liaison,
            "organisation": partnership.post,
            "identity": {"first_name": "Thảo", "second_name": "Nguyễn Thị", "birthdate": "2001-04-09"},
            "gender": "Feminine",
            "citizenship": "VN",
            "trafficking_status": "PossibleVictimOfTrafficking",
            "type_of_exploitation": ["ForcedLabour"],
            "methods_of_control": ["WithholdsDocuments"],
            "location_of_recruitment": "VN",
            "location_of_exploitation": "TH",
        }
        fields.update(overrides)
        return services.case_open(**fields)

    return open_
