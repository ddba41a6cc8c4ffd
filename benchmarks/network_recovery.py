"""Recovery of the synthetic world's planted trafficking networks by Leiden (CPM) and brokers by betweenness.

    uv run python benchmarks/network_recovery.py                      # evaluate on seed 2, 100,000 people
    uv run python benchmarks/network_recovery.py --tune               # choose the CPM resolution on seed 1

The graph is what the intelligence graph would hold after resolution: every relation in relations.csv,
plus `shares_phone_with` / `lives_at` links between people who share a phone number or an address
(people.csv: this pulls in ordinary people and work sites), plus noise: for every network, BRIDGES false
links from a random member or victim to a random entity of another network (a resolution false merge, a
shared service provider). Without the noise every network is its own connected component and recovery is
trivial (ARI 1.0 for components alone); with it the networks fuse into one component and only communities
recover them. The ARI is computed over the planted entities (ground_truth/entity_network.csv) against
their network id; components are the same-run baseline.

Brokers: the world wires each network as cells (a recruiter and the victims they recruited, a transporter's
batch, an employer's workers) that only the network's brokers join (docs/world.md), so betweenness can
single them out. Precision@10 ranks people (not phones, addresses or agencies) by betweenness within the
fused component, within each Leiden community, and within each planted network when there are no false
links; "top of their network" counts the planted networks with a broker whose highest-scoring person
(within its Leiden community) is one of those brokers.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tiaki.intelligence import analytics
from tiaki.world import generate

BRIDGES = 2


def world(people: int, seed: int, given: str | None) -> Path:
    if given:
        return Path(given)
    out = Path(tempfile.mkdtemp(prefix=f"tiaki-world-{seed}-"))
    started = time.perf_counter()
    generate(people=people, seed=seed, out=out)
    print(
        f"world: {people:,} people, seed {seed}, generated in {time.perf_counter() - started:.1f} s → {out}"
    )
    return out


def graph(
    world_dir: Path, seed: int, bridges: int = BRIDGES
) -> tuple[analytics.Graph, dict[str, int], dict[str, tuple[str, str]]]:
    truth = {
        row["entity_id"]: (row["network_id"], row["role"])
        for row in csv.DictReader((world_dir / "ground_truth" / "entity_network.csv").open(encoding="utf-8"))
    }
    names: dict[str, int] = {}

    def node(key: str) -> int:
        return names.setdefault(key, len(names))

    edges: list[tuple[int, int]] = []
    for row in csv.DictReader((world_dir / "relations.csv").open(encoding="utf-8")):
        edges.append((node(row["src_entity_id"]), node(row["dst_entity_id"])))
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in csv.DictReader((world_dir / "people.csv").open(encoding="utf-8")):
        if row["phone"]:
            shared[("phone", row["phone"])].append(row["entity_id"])
        if row["address"]:
            shared[("address", row["address"])].append(row["entity_id"])
    for (kind, value), holders in shared.items():
        if len(holders) > 1:
            hub = node(f"{kind}:{value}")  # the phone or address itself is an entity
            edges.extend((node(h), hub) for h in holders)
    rng = random.Random(seed)
    by_network: dict[str, list[str]] = defaultdict(list)
    for key, (network, _role) in truth.items():
        by_network[network].append(key)
    networks = sorted(by_network)
    for network in networks:
        for _ in range(bridges):
            other = rng.choice([n for n in networks if n != network])
            edges.append((node(rng.choice(by_network[network])), node(rng.choice(by_network[other]))))
    local = np.asarray(edges, dtype=np.int64)
    return analytics.from_arrays(local, len(names)), names, truth


def evaluate(world_dir: Path, resolution: float, seed: int, bridges: int = BRIDGES) -> dict[str, float]:
    g, names, truth = graph(world_dir, seed, bridges)
    planted = [k for k in truth if k in names]
    labels = [truth[k][0] for k in planted]
    index = [names[k] for k in planted]
    started = time.perf_counter()
    component = analytics.components(g)
    community = analytics.communities(g, resolution=resolution, seed=seed)
    betweenness, estimated = analytics.broker_scores(g, component, normalise=False)
    elapsed = time.perf_counter() - started
    within_cells, _ = analytics.broker_scores(g, community, normalise=False)
    brokers = {names[k] for k, (_n, role) in truth.items() if role == "broker" and k in names}
    traffickers = {names[k] for k, (_n, role) in truth.items() if role != "victim" and k in names}
    people_only = np.array([not key.startswith(("phone:", "address:", "A")) for key in names])

    def top10(scores: np.ndarray) -> list[int]:
        return [int(v) for v in np.argsort(-scores, kind="stable") if people_only[v]][:10]

    ranked, ranked_cells = top10(betweenness), top10(within_cells)
    members: dict[str, list[int]] = defaultdict(list)
    for key, (network, _role) in truth.items():
        if key in names and people_only[names[key]]:
            members[network].append(names[key])
    with_broker = [m for m in members.values() if brokers & set(m)]
    top_is_broker = sum(max(m, key=lambda v: (within_cells[v], -v)) in brokers for m in with_broker)
    return {
        "nodes": g.graph.vcount(),
        "edges": g.graph.ecount(),
        "largest_component": int(np.bincount(component).max()),
        "ari_components": adjusted_rand_score(labels, component[index]),
        "ari_communities": adjusted_rand_score(labels, community[index]),
        "brokers_p10": sum(v in brokers for v in ranked) / 10,
        "traffickers_p10": sum(v in traffickers for v in ranked) / 10,
        "brokers_p10_cells": sum(v in brokers for v in ranked_cells) / 10,
        "traffickers_p10_cells": sum(v in traffickers for v in ranked_cells) / 10,
        "broker_base_rate": len(brokers) / max(1, int(people_only.sum())),
        "networks_with_broker": len(with_broker),
        "broker_tops_network": top_is_broker,
        "estimated_networks": len(estimated),
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--world", help="an existing world directory (default: generate one)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--resolution", type=float, default=analytics.DEFAULT_RESOLUTION)
    parser.add_argument("--tune", action="store_true", help="grid-search the resolution on a seed-1 world")
    args = parser.parse_args()
    if args.tune:
        tuning = world(20_000, 1, args.world)
        print("resolution  ARI(communities)  ARI(components)")
        for resolution in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3):
            result = evaluate(tuning, resolution, 1)
            print(f"{resolution:>10}  {result['ari_communities']:>16.4f}  {result['ari_components']:>15.4f}")
        return
    evaluation = world(args.people, args.seed, args.world)
    result = evaluate(evaluation, args.resolution, args.seed)
    print(
        f"graph: {result['nodes']:,} entities, {result['edges']:,} links, "
        f"largest network {result['largest_component']:,}"
    )
    print(f"adjusted Rand index, Leiden CPM (resolution {args.resolution}): {result['ari_communities']:.4f}")
    print(f"adjusted Rand index, connected components (baseline):         {result['ari_components']:.4f}")
    print(f"base rate of planted brokers among people: {result['broker_base_rate']:.4f}")
    clean = evaluate(evaluation, args.resolution, args.seed, 0)
    print(f"{'precision@10 by betweenness':<44}planted brokers  any trafficker (non-victim member)")
    for label, brokers, traffickers in (
        ("within the fused network (components)", result["brokers_p10"], result["traffickers_p10"]),
        ("within communities (Leiden)", result["brokers_p10_cells"], result["traffickers_p10_cells"]),
        ("within planted networks (no false links)", clean["brokers_p10"], clean["traffickers_p10"]),
    ):
        print(f"  {label:<42}{brokers:>15.2f}  {traffickers:>10.2f}")
    print(
        "a planted broker scores highest in its network (within communities): "
        f"{result['broker_tops_network']} of {result['networks_with_broker']} networks with a broker"
    )
    print(f"networks with estimated (sampled) betweenness: {result['estimated_networks']}")
    print(f"analytics time (components + Leiden + betweenness): {result['seconds']:.2f} s")

    print("robustness: false links per network → ARI (communities / components)")
    for bridges in (0, 5, 10, 20):
        noisy = evaluate(evaluation, args.resolution, args.seed, bridges)
        print(f"  {bridges:>3}  {noisy['ari_communities']:.4f} / {noisy['ari_components']:.4f}")


if __name__ == "__main__":
    main()
