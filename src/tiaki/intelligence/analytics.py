"""Network analytics on the entity graph with python-igraph: networks, communities, brokers, paths, egos.

The functions here are pure (edges in, numbers out) so benchmarks and tests can call them on any graph;
`run_analytics` applies them to the graph one user may see and stores the result on an AnalyticsRun.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np

# CPM resolution: two entities share a community only where the community's edge density exceeds this.
# Chosen on the synthetic world with seed 1 (20,000 people) by benchmarks/network_recovery.py --tune; the
# reported recovery figure is measured on a different world (seed 2). Modularity is not used: it merges
# small cells into their neighbours (its resolution limit), and trafficking cells are small.
DEFAULT_RESOLUTION = 0.01
# Up to this many nodes in a network, betweenness is exact (Brandes, O(n·m) per network). Beyond it we
# estimate from a uniform sample of source vertices and scale by n/k (Brandes & Pich 2007).
EXACT_BETWEENNESS_LIMIT = 20_000
SAMPLED_SOURCES = 256
# The overview map draws at most this many entities (the largest networks first), laid out on the server.
OVERVIEW_LIMIT = 5_000


@dataclass
class Graph:
    """An undirected igraph graph over entity ids; `ids[v]` is the entity id of vertex v."""

    graph: ig.Graph
    ids: np.ndarray

    def index(self) -> dict[int, int]:
        return {int(entity_id): vertex for vertex, entity_id in enumerate(self.ids)}


def build(edges: Iterable[tuple[int, int]], nodes: Iterable[int] = ()) -> Graph:
    """An undirected simple graph from (source, target) entity-id pairs (parallel relations merge)."""
    pairs = np.asarray(list(edges), dtype=np.int64).reshape(-1, 2)
    ids, inverse = np.unique(
        np.concatenate([pairs.ravel(), np.fromiter(nodes, dtype=np.int64)]), return_inverse=True
    )
    local = inverse[: pairs.size].reshape(-1, 2)
    return from_arrays(local, len(ids), ids)


def from_arrays(local: np.ndarray, n: int, ids: np.ndarray | None = None) -> Graph:
    graph = ig.Graph(n=n, edges=local, directed=False)
    graph.simplify(multiple=True, loops=True)
    return Graph(graph=graph, ids=ids if ids is not None else np.arange(n, dtype=np.int64))


def components(g: Graph) -> np.ndarray:
    """Network (connected component) of each vertex, numbered largest first."""
    membership = np.asarray(g.graph.connected_components().membership)
    return _renumber_by_size(membership)


def communities(g: Graph, *, resolution: float = DEFAULT_RESOLUTION, seed: int = 1) -> np.ndarray:
    """Leiden communities with the Constant Potts Model objective."""
    import random

    random.seed(seed)  # igraph draws from Python's random generator
    partition = g.graph.community_leiden(objective_function="CPM", resolution=resolution, n_iterations=-1)
    return _renumber_by_size(np.asarray(partition.membership))


def broker_scores(
    g: Graph,
    component: np.ndarray,
    *,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    sampled_sources: int = SAMPLED_SOURCES,
    seed: int = 1,
    normalise: bool = True,
    progress: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, list[int]]:
    """Betweenness of every vertex within its group (network or community), normalised to 0..1 per group.

    `component` may be any partition: paths are computed inside each group's induced subgraph.
    Returns the scores and the networks whose scores were estimated (sampled sources), so a page can say so.
    Shortest paths never leave a component, so the exact betweenness of all small networks is one call
    on the subgraph they form together.
    """
    n = g.graph.vcount()
    scores = np.zeros(n)
    sizes = np.bincount(component)
    small = np.flatnonzero(sizes[component] <= exact_limit)
    if small.size:
        # Drop the edges between groups (none when groups are components) so paths stay inside a group.
        sub = g.graph.induced_subgraph(small.tolist())
        groups = component[small]
        ends = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        crossing: np.ndarray = (
            np.flatnonzero(groups[ends[:, 0]] != groups[ends[:, 1]])
            if len(ends)
            else np.empty(0, dtype=np.int64)
        )
        if len(crossing):
            sub.delete_edges(crossing.tolist())
        scores[small] = sub.betweenness(directed=False)
    estimated: list[int] = []
    large = [c for c in np.flatnonzero(sizes > exact_limit)]
    rng = np.random.default_rng(seed)
    for done, network in enumerate(large, 1):
        members = np.flatnonzero(component == network)
        sub = g.graph.induced_subgraph(members.tolist())
        k = min(sampled_sources, len(members))
        sources = rng.choice(len(members), size=k, replace=False).tolist()
        # Each source contributes its dependencies once; scaling by n/k estimates the sum over all sources,
        # and halving matches igraph's undirected convention (each pair counted once).
        raw = np.asarray(sub.betweenness(directed=False, sources=sources)) * (len(members) / k) / 2
        scores[members] = raw
        estimated.append(int(network))
        if progress:
            progress(done / len(large))
    if not normalise:
        return scores, estimated
    # Normalise by the number of pairs that could route through a vertex in its own network.
    size_of = sizes[component].astype(float)
    pairs = (size_of - 1) * (size_of - 2) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        normalised = np.where(pairs > 0, scores / pairs, 0.0)
    return normalised, estimated


def shortest_path(g: Graph, source_id: int, target_id: int) -> list[int]:
    """Entity ids on one shortest path from source to target (empty when not connected)."""
    index = g.index()
    if source_id not in index or target_id not in index:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns when the target is unreachable
        path = g.graph.get_shortest_path(index[source_id], index[target_id], mode="all")
    return [int(g.ids[v]) for v in path]


def ego(g: Graph, entity_id: int, hops: int = 1) -> list[int]:
    index = g.index()
    if entity_id not in index:
        return []
    return [int(g.ids[v]) for v in g.graph.neighborhood(index[entity_id], order=hops)]


def activity_by_month(days: Iterable[dt.date | None]) -> list[tuple[str, int]]:
    """How many links were first seen each month, oldest first."""
    counts = Counter(day.strftime("%Y-%m") for day in days if day is not None)
    return sorted(counts.items())


def newly_appearing(current: Iterable[int], previous: Iterable[int] | None) -> list[int]:
    """Members of a network that the previous run did not know (all of them on a first run: none new)."""
    if previous is None:
        return []
    return sorted(set(current) - set(previous))


def _renumber_by_size(membership: np.ndarray) -> np.ndarray:
    sizes = np.bincount(membership)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[membership]


def summarise(
    g: Graph,
    component: np.ndarray,
    community: np.ndarray,
    betweenness: np.ndarray,
    *,
    estimated: Sequence[int] = (),
    previous_entities: set[int] | None = None,
    top_networks: int = 200,
    top_brokers: int = 5,
) -> dict[str, Any]:
    """The JSON stored on a run: ids and numbers only (labels are joined through the policy at render)."""
    networks: list[dict[str, Any]] = []
    for network in range(min(int(component.max()) + 1 if len(component) else 0, top_networks)):
        vertices = np.flatnonzero(component == network)
        if len(vertices) < 2:
            break
        order = vertices[np.argsort(-betweenness[vertices], kind="stable")]
        members = [int(g.ids[v]) for v in vertices]
        networks.append(
            {
                "id": network,
                "size": len(vertices),
                "edges": int(sum(g.graph.degree(vertices.tolist())) // 2),
                "communities": len(set(community[vertices].tolist())),
                "brokers": [[int(g.ids[v]), round(float(betweenness[v]), 4)] for v in order[:top_brokers]],
                "estimated": network in estimated,
                "members": members,
                "new_members": newly_appearing(members, previous_entities),
            }
        )
    return {
        "entities": g.graph.vcount(),
        "relations": g.graph.ecount(),
        "networks": networks,
        "scores": {
            str(int(g.ids[v])): [int(component[v]), int(community[v]), round(float(betweenness[v]), 4)]
            for v in range(g.graph.vcount())
        },
    }


def overview(
    g: Graph,
    component: np.ndarray,
    community: np.ndarray,
    betweenness: np.ndarray,
    *,
    limit: int = OVERVIEW_LIMIT,
) -> dict[str, Any]:
    """Positions for the overview map: the largest networks up to `limit` entities, laid out on the server.

    Each network is laid out on its own (Fruchterman-Reingold, grid variant above 1,000 entities) and
    the networks are packed in rows, largest first: one force layout over thousands of disconnected cells
    is slower and scatters them. The browser then only draws, so it stays smooth.
    """
    sizes = np.bincount(component) if len(component) else np.zeros(0, dtype=np.int64)
    chosen: list[int] = []
    for network in range(len(sizes)):
        if sizes[network] < 2:
            break  # networks are numbered largest first: only isolated entities remain
        if len(chosen) + sizes[network] > limit:
            continue  # too big to fit beside those already drawn; smaller ones may still fit
        chosen.extend(np.flatnonzero(component == network).tolist())
    if not chosen and len(sizes) and sizes[0] >= 2:
        # One network larger than the map: draw its best-connected entities (highest broker scores).
        members = np.flatnonzero(component == 0)
        chosen = members[np.argsort(-betweenness[members], kind="stable")][:limit].tolist()
    if not chosen:
        return {"nodes": [], "edges": []}
    sub = g.graph.induced_subgraph(chosen)
    coordinates = _packed_layout(sub)
    nodes = [
        [
            int(g.ids[v]),
            round(float(x), 2),
            round(float(y), 2),
            int(community[v]),
            round(float(betweenness[v]), 4),
        ]
        for v, (x, y) in zip(chosen, coordinates, strict=True)
    ]
    edges = [[int(g.ids[chosen[a]]), int(g.ids[chosen[b]])] for a, b in sub.get_edgelist()]
    return {"nodes": nodes, "edges": edges}


def _packed_layout(graph: ig.Graph) -> list[tuple[float, float]]:
    positions = np.zeros((graph.vcount(), 2))
    parts = sorted(graph.connected_components(), key=len, reverse=True)
    row_width = max(1.0, float(np.sqrt(graph.vcount())) * 2.0)
    x = y = row_height = 0.0
    for part in parts:
        piece = graph.induced_subgraph(part)
        if piece.vcount() == 1:
            local = np.zeros((1, 2))
        else:
            # The grid variant keeps Fruchterman-Reingold near-linear on large networks (DrL took 5 s for
            # 1,600 entities on the benchmark machine; this takes 0.15 s).
            grid = "grid" if piece.vcount() > 1000 else "nogrid"
            local = np.asarray(piece.layout_fruchterman_reingold(niter=300, grid=grid).coords)
        local -= local.min(axis=0)
        extent = float(local.max()) or 1.0
        side = float(np.sqrt(piece.vcount()))  # area proportional to the number of entities
        local = local / extent * side
        if x + side > row_width and x > 0:
            x, y, row_height = 0.0, y + row_height + 1.0, 0.0
        positions[part] = local + np.array([x, y])
        x += side + 1.0
        row_height = max(row_height, side)
    return [(float(px), float(py)) for px, py in positions]
