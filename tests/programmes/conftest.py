"""Fixtures for programme work: an NGO with a programme coordinator, and another organisation's one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role


@dataclass
class Programmes:
    ngo: Organisation
    other: Organisation
    coordinator: User
    other_coordinator: User
    caseworker: User  # same organisation, no programme permission


@pytest.fixture
def programmes(make_organisation: Callable[..., Organisation], make_user: Callable[..., User]) -> Programmes:
    ngo = make_organisation("Hanoi youth NGO", org_type="ngo", country="VN")
    other = make_organisation("Colombo NGO", org_type="ngo", country="LK")
    return Programmes(
        ngo,
        other,
        make_user(ngo, Role.PROGRAMME_COORDINATOR, "coordinator"),
        make_user(other, Role.PROGRAMME_COORDINATOR, "other_coordinator"),
        make_user(ngo, Role.CASEWORKER, "caseworker"),
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Pages and messages in English: a request in another language leaves that language active."""
    from django.utils import translation

    with translation.override("en"):
        yield
