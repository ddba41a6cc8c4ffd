"""Fixtures for the community tests: a receiving organisation, a tip with its receipt, a replying officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.community import abuse, services

USER_AGENT = "TiakiTestBrowser/9.9 (community privacy check)"


@pytest.fixture(autouse=True)
def directory_seeded(request: pytest.FixtureRequest) -> None:
    """The directory is seeded by a data migration, but transactional (browser) tests flush the database
    when they finish: put the entries back for any database test that runs after one."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from tiaki.community.models import DirectoryEntry

    if not DirectoryEntry.objects.exists():
        services.directory_load(actor=None)


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture
def receiving_org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("NZ Immigration Tips", org_type="immigration_service", country="NZ")


@pytest.fixture
def officer(receiving_org: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(receiving_org, Role.LIAISON_OFFICER, "officer")


@pytest.fixture
def tip(receiving_org: Organisation) -> services.SubmittedTip:
    return services.tip_submit(
        actor=None, what="They took our passports at the farm.", country="TH", language="en"
    )


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the delays the abuse limits apply instead of sleeping through them."""
    recorded: list[float] = []

    def record(seconds: float) -> None:
        if seconds > 0:
            recorded.append(seconds)

    monkeypatch.setattr(abuse, "pause", record)
    return recorded


def solved(post: dict[str, Any]) -> dict[str, Any]:
    """A report form post with a solved proof of work, as the browser script would send it."""
    challenge = abuse.challenge_issue()
    return {**post, "pow_challenge": challenge, "pow_nonce": abuse.pow_solve(challenge)}
