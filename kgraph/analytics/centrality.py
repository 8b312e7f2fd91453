"""Central collaborators and brokers as ranked rows.

Measures (networkx's definitions; the heavy ones computed by igraph, see engine.py):
* degree       share of the other organisations an organisation has partnered with;
* weighted     number of partnerships shared with others (sum of tie weights);
* betweenness  share of shortest paths between others passing through it, a tie's length
               being 1/(partnerships shared); exact up to EXACT_LIMIT organisations, above
               that estimated from SAMPLE_SOURCES sampled organisations (said in the output);
* eigenvector  ties to well-tied organisations (weighted);
* pagerank     the same idea, damped, well defined on disconnected networks (weighted).

Brokers: the participation coefficient P = 1 - sum over groups g of (k_g / k)^2, where k_g is
the weight of an organisation's ties to partners in group g (region, type or sector) and k
the weight of all its ties to partners whose group is known. P is 0 when every tie stays in
one group and nears 1 when ties spread evenly over many; it needs no path computation, so it
is cheap at national scale and reads plainly, unlike betweenness, which rewards sitting
between any two organisations whether or not they differ.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from kgraph.analytics import engine

METRICS = ("degree", "weighted", "betweenness", "eigenvector", "pagerank")
EXACT_LIMIT = 5000
SAMPLE_SOURCES = 500
BROKER_GROUPS = {"region": "region_label", "type": "type_label", "sector": "sector"}


@dataclass(frozen=True)
class Scores:
    metric: str
    values: dict
    method: str = "exact"


def compute(graph: nx.Graph, metric: str, *, exact: bool = False, seed: int = 0) -> Scores:
    if metric == "degree":
        return Scores(metric, engine.degree_centrality(graph))
    if metric == "weighted":
        return Scores(metric, engine.strength(graph))
    if metric == "betweenness":
        n = len(graph)
        if exact or n <= EXACT_LIMIT:
            return Scores(metric, engine.betweenness(graph))
        method = (
            f"estimated from {SAMPLE_SOURCES:,} of {n:,} organisations sampled as path "
            f"sources (seed {seed}); --exact computes it exactly, slowly"
        )
        return Scores(metric, engine.betweenness(graph, k=SAMPLE_SOURCES, seed=seed), method)
    if metric == "eigenvector":
        return Scores(metric, engine.eigenvector(graph))
    if metric == "pagerank":
        return Scores(metric, engine.pagerank(graph))
    raise ValueError(f"unknown metric {metric!r}")


def ranked(graph: nx.Graph, scores: Scores, top: int | None = None) -> list[dict[str, object]]:
    """The `top` rows, best first; equal scores share a rank (1, 2, 2, 4) and are listed
    by shared partnerships, then name. Rows left out that tie with the last one shown are
    counted in the last row's `tied_beyond`."""
    values = scores.values
    shared = engine.strength(graph)
    order = sorted(
        values, key=lambda v: (-_key(values[v]), -shared[v], graph.nodes[v].get("label", v))
    )
    rows: list[dict[str, object]] = []
    previous, rank = None, 0
    for position, v in enumerate(order, start=1):
        key = _key(values[v])
        if key != previous:
            rank, previous = position, key
        if top is not None and position > top:
            if rows and rank == rows[-1]["rank"]:
                rows[-1]["tied_beyond"] = int(rows[-1].get("tied_beyond", 0)) + 1
                continue
            break
        data = graph.nodes[v]
        rows.append(
            {
                "metric": scores.metric,
                "rank": rank,
                "organisation": data.get("label", v),
                "type": data.get("type_label", ""),
                "region": data.get("region_label", ""),
                "score": _show(values[v], count=scores.metric == "weighted"),
                "partners": graph.degree(v),
                "shared": _show(shared[v], count=True),
                "method": scores.method,
                "iri": v,
            }
        )
    return rows


def brokers(graph: nx.Graph, by: str = "region", top: int | None = None) -> list[dict]:
    """Organisations whose ties span groups, by participation coefficient (P > 0 only)."""
    attr = BROKER_GROUPS[by]
    found = []
    for v in graph:
        own = _group(graph.nodes[v], attr)
        weights: dict[str, float] = defaultdict(float)
        bridging = 0
        for u, data in graph.adj[v].items():
            group = _group(graph.nodes[u], attr)
            if group is None:
                continue
            weights[group] += data.get("weight", 1)
            bridging += group != own
        total = sum(weights.values())
        if not total:
            continue
        participation = 1 - sum((w / total) ** 2 for w in weights.values())
        if participation <= 1e-12:
            continue
        found.append((v, participation, len(weights), bridging))
    found.sort(key=lambda f: (-round(f[1], 9), -f[3], graph.nodes[f[0]].get("label", f[0])))
    rows = []
    for rank, (v, participation, groups, bridging) in enumerate(found, start=1):
        if top is not None and rank > top:
            break
        data = graph.nodes[v]
        rows.append(
            {
                "rank": rank,
                "organisation": data.get("label", v),
                "type": data.get("type_label", ""),
                "region": data.get("region_label", ""),
                "participation": round(participation, 4),
                "groups": groups,
                "bridging": bridging,
                "partners": graph.degree(v),
                "by": by,
                "iri": v,
            }
        )
    return rows


def _group(data: dict, attr: str) -> str | None:
    value = data.get(attr) or ""
    return None if value in ("", "unknown") else value


def _key(value: float) -> float:
    return round(float(value), 9)


def _show(value: float, count: bool = False) -> float | int:
    """Counts (weighted degree, shared partnerships) as integers, scores to 6 places."""
    if count and float(value).is_integer():
        return int(value)
    return round(float(value), 6)
