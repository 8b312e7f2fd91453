"""Seeded positions for big graphs, so the page can draw at once with physics off.

igraph's grid Fruchterman-Reingold (fast at thousands of nodes) when igraph is there,
networkx's spring layout otherwise; both seeded, so the same data gives the same picture.
Positions are scaled to about 100 pixels per node side by side (labels have room).
"""

from __future__ import annotations

import math
import random

import networkx as nx

from kgraph.analytics import engine


def positions(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    nodes = list(graph)
    if not nodes:
        return {}
    raw = _igraph(graph, seed) if engine.has_igraph() else None
    if raw is None:
        found = nx.spring_layout(graph, seed=seed, iterations=50)
        raw = [tuple(found[v]) for v in nodes]
    xs = [p[0] for p in raw]
    ys = [p[1] for p in raw]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 100 * math.sqrt(len(nodes)) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        v: (round((x - cx) * scale, 1), round((y - cy) * scale, 1))
        for v, (x, y) in zip(nodes, raw, strict=True)
    }


def _igraph(graph: nx.Graph, seed: int) -> list[tuple[float, float]] | None:
    import igraph as ig

    copy, nodes = engine.to_igraph(graph)
    if list(nodes) != list(graph):
        return None
    rng = random.Random(seed)
    # spread like igraph's own start (side ~ sqrt(n)): in a unit square the grid
    # variant puts every node in one cell and is 20x slower
    side = math.sqrt(len(nodes))
    start = [(rng.uniform(-side, side), rng.uniform(-side, side)) for _ in nodes]
    ig.set_random_number_generator(random.Random(seed))
    try:
        layout = copy.layout_fruchterman_reingold(
            seed=start, niter=300, grid=True, weights="weight"
        )
    finally:
        ig.set_random_number_generator(random)
    return [tuple(p) for p in layout.coords]
