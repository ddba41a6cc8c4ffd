"""Speed of the network analytics on a world-shaped graph with 1,000,000 links (igraph vs networkx).

    uv run python benchmarks/network_speed.py [--edges 1000000] [--threads 2]

The graph follows the synthetic world's network shape (rates.toml, docs/world.md "Network wiring"): per
network a leader, 1–3 recruiters, 0–2 brokers, 1–2 transporters, 0–1 forgers, 1–2 employers and 4–30
victims, wired as cells: each victim has one recruiter, the transporter of that recruiter's batch, one
employer, every broker and (half of them) the forger; the brokers alone link the cell heads and work for
the leader (without a broker the heads work for the leader); 70% of networks recruit through an agency.
Networks are
grouped into regional corridors joined by two false or shared links per network, so connected components
range from single networks to one corridor of more than 20,000 entities — the size beyond which broker
scores switch from exact betweenness to the sampled-source estimate (see docs/intelligence.md).
Networks are added until the graph holds the requested number of links.

Targets (2 cores): components < 1 s, Leiden (CPM) < 10 s, broker scores < 30 s. The same-run baseline is
networkx on the same graph for connected components and PageRank (plus igraph's own PageRank).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def world_shaped(edges_wanted: int, seed: int = 1) -> tuple[np.ndarray, int, int]:
    rng = np.random.default_rng(seed)
    chunks: list[np.ndarray] = []
    total = 0
    next_id = 0
    network_first: list[int] = []
    network_size: list[int] = []
    while total + 2 * len(network_first) < edges_wanted:
        roles = [
            1,
            rng.integers(1, 4),
            rng.integers(0, 3),
            rng.integers(1, 3),
            rng.integers(0, 2),
            rng.integers(1, 3),
        ]
        recruiters, brokers, transporters, forgers, employers = (int(r) for r in roles[1:])
        victims = int(rng.integers(4, 31))
        base = next_id
        leader = base
        members = int(sum(roles))
        ids = iter(range(base + 1, base + members))
        recruiter_ids, broker_ids, transporter_ids, forger_ids, employer_ids = (
            np.array([next(ids) for _ in range(k)], dtype=np.int64)
            for k in (recruiters, brokers, transporters, forgers, employers)
        )
        victim_ids = np.arange(base + members, base + members + victims)
        next_id = base + members + victims
        heads = np.concatenate([recruiter_ids, forger_ids, transporter_ids, employer_ids])
        pairs: list[np.ndarray] = []
        if brokers:
            origin, destination = broker_ids[0], broker_ids[-1]
            pairs.append(np.column_stack([broker_ids, np.full(brokers, leader)]))
            pairs.append(np.array([[destination, origin]]) if brokers > 1 else np.empty((0, 2), np.int64))
            for payer, payees in (
                (origin, recruiter_ids),
                (origin, forger_ids),
                (destination, transporter_ids),
            ):
                pairs.append(np.column_stack([np.full(len(payees), payer), payees]))
            pairs.append(np.column_stack([employer_ids, np.full(employers, destination)]))
            pairs.append(np.column_stack([np.repeat(broker_ids, victims), np.tile(victim_ids, brokers)]))
        else:
            pairs.append(np.column_stack([heads, np.full(len(heads), leader)]))
        cell = rng.integers(0, recruiters, size=victims)
        batch = transporter_ids[rng.integers(0, transporters, size=recruiters)]
        pairs.append(np.column_stack([recruiter_ids[cell], victim_ids]))
        pairs.append(np.column_stack([batch[cell], victim_ids]))
        pairs.append(np.column_stack([employer_ids[rng.integers(0, employers, size=victims)], victim_ids]))
        if forgers:
            forged = victim_ids[rng.random(victims) < 0.5]
            pairs.append(np.column_stack([np.full(len(forged), forger_ids[0]), forged]))
        if rng.random() < 0.7:
            agency = next_id
            next_id += 1
            pairs.append(np.column_stack([victim_ids, np.full(victims, agency)]))
        block = np.concatenate(pairs)
        chunks.append(block)
        total += len(block)
        network_first.append(base)
        network_size.append(next_id - base)
    networks = len(network_first)
    firsts, sizes = np.asarray(network_first), np.asarray(network_size)
    # Corridors: one of 1,000 networks (the large component), then corridors of 2..60 networks, and the
    # rest stand alone. Within a corridor each network gets two links to random entities of others.
    bridges: list[tuple[int, int]] = []
    start = 0
    corridor = min(1000, networks)
    while start < networks:
        members = np.arange(start, min(start + corridor, networks))
        if len(members) > 1:
            for network in members:
                for other in rng.choice(members[members != network], size=2):
                    a = firsts[network] + rng.integers(0, sizes[network])
                    b = firsts[other] + rng.integers(0, sizes[other])
                    bridges.append((a, b))
        start += len(members)
        corridor = int(rng.integers(1, 61))
    all_edges = np.concatenate([np.asarray(bridges, dtype=np.int64).reshape(-1, 2), *chunks])[:edges_wanted]
    return all_edges, next_id, networks


def timed(label: str, action, results: dict[str, float]):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = action()
    results[label] = time.perf_counter() - started
    print(f"  {label:<44} {results[label]:8.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-networkx", action="store_true")
    args = parser.parse_args()
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, str(args.threads))

    import igraph as ig

    from tiaki.intelligence import analytics

    started = time.perf_counter()
    edges, n, networks = world_shaped(args.edges)
    print(
        f"graph: {n:,} entities, {len(edges):,} links, {networks:,} planted networks "
        f"(built in {time.perf_counter() - started:.1f} s); cpus visible: {os.cpu_count()}"
    )
    results: dict[str, float] = {}
    print("igraph (Tiaki):")
    g = timed("load into igraph", lambda: analytics.from_arrays(edges, n), results)
    component = timed("components (networks)", lambda: analytics.components(g), results)
    sizes = np.bincount(component)
    print(
        f"    {len(sizes):,} networks; largest {sizes.max():,}; above the exact limit: "
        f"{int((sizes > analytics.EXACT_BETWEENNESS_LIMIT).sum())}"
    )
    community = timed("Leiden communities (CPM)", lambda: analytics.communities(g), results)
    print(f"    {community.max() + 1:,} communities")
    _scores, estimated = timed(
        "broker scores (betweenness per network)", lambda: analytics.broker_scores(g, component), results
    )
    print(
        f"    exact for networks up to {analytics.EXACT_BETWEENNESS_LIMIT:,} entities; sampled "
        f"({analytics.SAMPLED_SOURCES} sources) for {len(estimated)} larger network(s)"
    )
    timed(
        "PageRank (igraph, ARPACK)",
        lambda: g.graph.pagerank(directed=False, implementation="arpack"),
        results,
    )
    timed(
        f"overview layout (FR per network, {analytics.OVERVIEW_LIMIT:,} entities)",
        lambda: analytics.overview(g, component, community, _scores),
        results,
    )
    for label, limit in (
        ("components (networks)", 1),
        ("Leiden communities (CPM)", 10),
        ("broker scores (betweenness per network)", 30),
    ):
        verdict = "PASS" if results[label] < limit else "FAIL"
        print(f"  target {label}: < {limit} s → {verdict}")
    if args.skip_networkx:
        return
    import networkx as nx

    print("networkx (baseline, same graph):")
    graph = timed("load into networkx", lambda: nx.Graph(edges.tolist()), results)
    timed("components (networkx)", lambda: sum(1 for _ in nx.connected_components(graph)), results)
    timed("PageRank (networkx)", lambda: nx.pagerank(graph), results)
    print(
        "ratio networkx / igraph: components "
        f"{results['components (networkx)'] / results['components (networks)']:.1f}x, "
        f"PageRank {results['PageRank (networkx)'] / results['PageRank (igraph, ARPACK)']:.1f}x"
    )
    assert ig  # imported for its side effect of failing early when igraph is missing


if __name__ == "__main__":
    main()
