"""Every HTCDS value list Tiaki stores matches the IOM field standard exactly."""

from __future__ import annotations

import pytest
from django.db import models

from tiaki.cases import vocab

from ..htcds_reference import fields

LISTS: list[tuple[type[models.TextChoices], str]] = [
    (vocab.TraffickingStatus, "vic_TraffickingStatus"),
    (vocab.DecisionMakingOrg, "vic_TraffickingStatusDecisionMakingOrg"),
    (vocab.ExploitationType, "vic_TypeOfExploitation"),
    (vocab.MethodOfControl, "vic_MethodsOfControl"),
    (vocab.CaseStatus, "cas_Status"),
    (vocab.Gender, "prs_Gender"),
    (vocab.EventType, "hte_Type"),
    (vocab.SupportType, "spl_Type"),
    (vocab.ReferralReason, "cas_ReasonForIncomingReferral"),
    (vocab.PerpetratorRole, "per_RoleInProcess"),
]


@pytest.mark.parametrize(("choices", "field"), LISTS, ids=[f for _, f in LISTS])
def test_value_names_match_the_standard(choices: type[models.TextChoices], field: str) -> None:
    assert list(choices.values) == list(fields()[field].values)


def test_the_reference_is_really_read() -> None:
    assert len(fields()) > 80
    assert fields()["vic_TraffickingStatus"].field_type == "Picklist"
