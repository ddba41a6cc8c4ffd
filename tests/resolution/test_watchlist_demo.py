"""The demo: the world's traveller list screened for the Bangkok liaison post, so the page has hits."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tiaki.intelligence import demo
from tiaki.resolution.models import WatchlistHit, WatchlistScreening
from tiaki.world import generate
from tiaki.world import load as world_load


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(people=3000, seed=2026, out=out)
    return out


@pytest.mark.django_db
def test_the_demo_screens_the_world_travellers(world: Path) -> None:
    orgs = world_load.organisations(world)
    world_load.reports(world, orgs, lambda message: None)
    demo.load(world, orgs)
    messages: list[str] = []
    hits = world_load.watchlist_screening(world, orgs, messages.append)
    screening = WatchlistScreening.objects.get()
    with (world / "travellers.csv").open(encoding="utf-8") as handle:
        travellers = sum(1 for _row in csv.DictReader(handle))
    assert (screening.status, screening.records, screening.hits) == ("done", travellers, hits)
    assert screening.organisation.code == "NZ-IMM-BKK" and screening.pending_rows == []
    assert hits == WatchlistHit.objects.count() > 0
    assert messages == [f"{travellers:,} travellers screened: {hits:,} hits"]
    # A second start of the demo adds nothing.
    assert world_load.watchlist_screening(world, orgs, messages.append) == 0
