"""Differentially private releases: recorded, reproducible from their parameters, accuracy reported."""

from __future__ import annotations

import pytest

from tiaki.governance.models import AuditEvent
from tiaki.governance.policy import Denied
from tiaki.stats import dp
from tiaki.stats.models import DPRelease

from .conftest import StatsWorld

# True counts ID 3, LK 1, MM 5, TH 13, VN 31; with this seed the discrete Laplace noise (scale 1) moves
# them to 3±, 0 (clamped), 5±, 14 and 30, and the small ones are still withheld.
RELEASED_WITH_SEED = ["<11", "0", "<11", "14", "30"]


def test_scale_and_accuracy_come_from_opendp() -> None:
    assert dp.scale_for(1.0, 1) == 1.0
    assert dp.measurement(1.0).map(1) == 1.0
    assert round(dp.accuracy_95(1.0), 3) == 3.376
    assert dp.scale_for(0.5, 1) == 2.0


@pytest.mark.django_db
def test_a_release_is_recorded_and_reproduced_exactly(stats_world: StatsWorld) -> None:
    release = dp.dp_release_create(
        actor=stats_world.supervisor,
        organisation=stats_world.ngo,
        query="cases_by_year_citizenship",
        epsilon=1.0,
        seed=20260101,
    )
    stored = DPRelease.objects.get(pk=release.pk)
    assert (stored.query, stored.mechanism, stored.epsilon, stored.sensitivity, stored.scale) == (
        "cases_by_year_citizenship",
        "discrete_laplace",
        1.0,
        1,
        1.0,
    )
    assert round(stored.accuracy_95, 3) == 3.376
    assert [c["key"] for c in stored.released] == ["2025|ID", "2025|LK", "2025|MM", "2025|TH", "2025|VN"]
    assert stored.organisations == [stats_world.ngo.pk]
    # Re-running from the recorded parameters gives identical numbers, twice.
    assert dp.dp_release_reproduce(user=stats_world.supervisor, release=stored) == stored.released
    assert dp.dp_release_reproduce(user=stats_world.supervisor, release=stored) == stored.released
    # Noisy counts below K are still withheld; large ones are near the truth (31 VN, 13 TH at epsilon 1).
    assert [c["display"] for c in stored.released] == RELEASED_WITH_SEED
    event = AuditEvent.objects.get(action="stats.dp_release")
    assert event.details == {"query": "cases_by_year_citizenship", "cells": 5, "epsilon_micro": 1_000_000}
    assert str(release.seed) not in str(event.details)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_noise_and_another_seed_other_noise(stats_world: StatsWorld) -> None:
    make = dict(
        actor=stats_world.supervisor, organisation=stats_world.ngo, query="reports_by_country", epsilon=0.5
    )
    first = dp.dp_release_create(**make, seed=42)  # type: ignore[arg-type]
    again = dp.dp_release_create(**make, seed=42)  # type: ignore[arg-type]
    assert first.released == again.released
    assert first.scale == 2.0
    assert dp.epsilon_spent(user=stats_world.supervisor) == {stats_world.ngo.pk: 1.0}


@pytest.mark.django_db
def test_releases_need_stats_export(stats_world: StatsWorld) -> None:
    with pytest.raises(Denied):
        dp.dp_release_create(
            actor=stats_world.coordinator,
            organisation=stats_world.ngo,
            query="reports_by_country",
            epsilon=1.0,
        )
    with pytest.raises(dp.ReleaseError):
        dp.dp_release_create(
            actor=stats_world.supervisor,
            organisation=stats_world.ngo,
            query="reports_by_country",
            epsilon=9.0,
        )
    assert DPRelease.objects.count() == 0
