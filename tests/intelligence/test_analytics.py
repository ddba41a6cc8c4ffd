"""Network analytics: components, Leiden CPM, broker scores (exact and sampled), paths, and the run task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.governance.models import AuditEvent
from tiaki.intelligence import analytics, selectors, services
from tiaki.intelligence.models import AnalyticsRun

from .factories import entity, report


def _two_cells_and_a_bridge() -> analytics.Graph:
    # Two 5-cliques (ids 1-5 and 11-15) joined by one link 5-11, plus a separate pair 21-22.
    edges = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]
    edges += [(a, b) for a in range(11, 16) for b in range(a + 1, 16)]
    edges += [(5, 11), (21, 22)]
    return analytics.build(edges)


def test_components_are_numbered_largest_first() -> None:
    g = _two_cells_and_a_bridge()
    component = analytics.components(g)
    assert {int(g.ids[v]): int(component[v]) for v in range(g.graph.vcount())} == {
        **{i: 0 for i in (1, 2, 3, 4, 5, 11, 12, 13, 14, 15)},
        21: 1,
        22: 1,
    }


def test_leiden_cpm_splits_the_bridged_cells() -> None:
    g = _two_cells_and_a_bridge()
    community = analytics.communities(g, resolution=0.2)
    by_id = {int(g.ids[v]): int(community[v]) for v in range(g.graph.vcount())}
    assert len({by_id[i] for i in range(1, 6)}) == 1
    assert len({by_id[i] for i in range(11, 16)}) == 1
    assert len({by_id[1], by_id[11], by_id[21]}) == 3


def test_broker_scores_rank_the_bridge_ends_highest_and_normalise_per_network() -> None:
    g = _two_cells_and_a_bridge()
    scores, estimated = analytics.broker_scores(g, analytics.components(g))
    by_id = {int(g.ids[v]): round(float(scores[v]), 4) for v in range(g.graph.vcount())}
    # 5 lies on every path from 1-4 to 11-15 (4 x 5 = 20 pairs) out of C(9, 2) = 36 pairs it could.
    assert by_id[5] == by_id[11] == round(20 / 36, 4)
    assert by_id[1] == 0.0
    assert by_id[21] == 0.0
    assert estimated == []


def test_sampled_betweenness_agrees_with_exact_on_the_top_brokers() -> None:
    rng = np.random.default_rng(3)
    # A chain of 40 dense cells: the 39 bridge ends are the true brokers.
    edges = []
    for cell in range(40):
        base = cell * 10
        edges += [(base + a, base + b) for a in range(10) for b in range(a + 1, 10) if rng.random() < 0.6]
        edges += [(base + a, base + a + 1) for a in range(9)]
        if cell:
            edges.append((base - 1, base))
    g = analytics.build(edges)
    component = analytics.components(g)
    exact, none = analytics.broker_scores(g, component)
    sampled, estimated = analytics.broker_scores(g, component, exact_limit=100, sampled_sources=120)
    assert (none, estimated) == ([], [0])
    top_exact = set(np.argsort(-exact)[:20].tolist())
    top_sampled = set(np.argsort(-sampled)[:20].tolist())
    assert len(top_exact & top_sampled) >= 16
    assert float(np.corrcoef(exact, sampled)[0, 1]) > 0.95


def test_shortest_path_ego_activity_and_new_members() -> None:
    g = _two_cells_and_a_bridge()
    assert analytics.shortest_path(g, 1, 15) == [1, 5, 11, 15]
    assert analytics.shortest_path(g, 1, 21) == []
    assert sorted(analytics.ego(g, 21, hops=1)) == [21, 22]
    assert analytics.activity_by_month(
        [dt.date(2026, 1, 3), None, dt.date(2026, 1, 9), dt.date(2025, 12, 1)]
    ) == [
        ("2025-12", 1),
        ("2026-01", 2),
    ]
    assert analytics.newly_appearing([1, 2, 3], None) == []
    assert analytics.newly_appearing([1, 2, 3], {1, 2}) == [3]


@pytest.mark.django_db
def test_analytics_run_covers_only_what_the_user_may_see(
    org_a: Organisation,
    org_b: Organisation,
    officer_a: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    boss, driver, victim = entity(org_a, "Boss"), entity(org_a, "Driver"), entity(org_a, "Victim")
    hidden = entity(org_b, "LEAK-MARKER")
    services.relation_add(
        actor=None,
        source=driver,
        target=boss,
        relation_type="works_for",
        report=report(org_a),
        seen_on=dt.date(2026, 1, 5),
    )
    services.relation_add(
        actor=None,
        source=driver,
        target=victim,
        relation_type="transported",
        report=report(org_a),
        seen_on=dt.date(2026, 2, 5),
    )
    services.relation_add(
        actor=None, source=hidden, target=victim, relation_type="recruited", report=report(org_b)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.analytics_run_start(actor=officer_a)
    run.refresh_from_db()
    assert (run.status, run.progress, run.stage) == ("done", 100, "done")
    assert (run.result["entities"], run.result["relations"]) == (3, 2)
    [network] = run.result["networks"]
    assert sorted(network["members"]) == sorted([boss.pk, driver.pk, victim.pk])
    assert network["brokers"][0] == [driver.pk, 1.0]
    assert str(hidden.pk) not in run.result["scores"]
    assert AuditEvent.objects.filter(action="network.analyse", object_id=str(run.pk)).count() == 1
    assert selectors.path_between(user=officer_a, source_id=boss.pk, target_id=victim.pk) == [
        boss,
        driver,
        victim,
    ]
    assert selectors.activity(user=officer_a, entity_ids=network["members"]) == [
        ("2026-01", 1),
        ("2026-02", 1),
    ]
    # A second run marks members the first run did not know.
    newcomer = entity(org_a, "Newcomer")
    services.relation_add(
        actor=None, source=newcomer, target=boss, relation_type="works_for", report=report(org_a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.analytics_run_start(actor=officer_a)
    second.refresh_from_db()
    assert second.result["networks"][0]["new_members"] == [newcomer.pk]
    assert [r.pk for r in selectors.analytics_run_list(user=officer_a)] == [second.pk, run.pk]
    assert AnalyticsRun.objects.count() == 2
