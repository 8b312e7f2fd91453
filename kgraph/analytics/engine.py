"""Heavy network measures computed by igraph, with networkx's definitions and results.

networkx graphs stay the interface: each function takes an undirected `nx.Graph` and
returns a dict keyed by its nodes. The graph is copied into igraph once and the copy is
kept in `G.__networkx_cache__`, which networkx itself empties whenever the graph is changed
through its methods (add_edge, remove_node, ...), so a changed graph is copied again.

Degree and weighted degree need no copy: they are read from the igraph copy when one is
cached already (the projection hands one over) and otherwise summed straight from
networkx's adjacency, which costs less than making a copy.

Definitions (checked against networkx in tests/test_analytics_engine.py):
* degree: `nx.degree_centrality(G)`; weighted degree: `dict(G.degree(weight=weight))`;
* PageRank: `nx.pagerank(G, alpha, weight)`;
* eigenvector: `nx.eigenvector_centrality(G, weight)` (unit Euclidean norm);
* betweenness: `nx.betweenness_centrality(G, k, normalized=True, weight=DISTANCE, seed)`
  where the distance of a tie is 1/weight, stored as the integer SCALE // weight so that
  paths of equal length compare equal (floating 1/3 + 1/3 + 1/3 is not 1.0, and networkx
  and igraph break such near-ties differently);
* Louvain: `nx.community.louvain_communities(G, weight, resolution)`; the partition found
  depends on visiting order in both libraries, modularity agrees.

igraph's OpenMP would start a thread per core; on small shared machines that made PageRank
tens of times slower, so OMP_NUM_THREADS defaults to 1 before igraph is imported. Without
igraph installed every measure falls back to networkx itself.
"""

from __future__ import annotations

import math
import operator
import os
import random
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, compress, repeat

import networkx as nx

os.environ.setdefault("OMP_NUM_THREADS", "1")

try:  # pragma: no cover - exercised by the installed environment
    import igraph as ig
except ImportError:  # pragma: no cover
    ig = None

CACHE_KEY = "kgraph.igraph"
SCALE = 232_792_560  # lcm(1..20): SCALE // w is exact for up to 20 shared partnerships
DISTANCE = "distance"


def has_igraph() -> bool:
    return ig is not None


def to_igraph(graph: nx.Graph, weight: str = "weight") -> tuple[ig.Graph, list]:
    """(igraph copy with a 'weight' edge attribute, node list by index), made once.

    networkx keeps each tie twice in its adjacency (u -> v and v -> u, a self-loop once);
    the copy takes the one whose first index is not the larger, in adjacency order. The
    pass is made of C-level iterators (map, zip, compress) rather than a Python loop: at
    100,000 ties that takes about 40 ms against 60-70 ms for a loop over `graph.edges()`.
    """
    cache = getattr(graph, "__networkx_cache__", None)
    key = (CACHE_KEY, weight)
    if cache is not None and key in cache:
        return cache[key]
    adj = graph._adj
    nodes = list(adj)
    index = {v: i for i, v in enumerate(nodes)}
    rows = adj.values()
    src = list(chain.from_iterable(map(repeat, range(len(nodes)), map(len, rows))))
    dst = list(map(index.__getitem__, chain.from_iterable(rows)))
    keep = list(map(operator.le, src, dst))

    def kept_data() -> Iterator[dict]:
        return compress(chain.from_iterable(map(_values(adj), rows)), keep)

    try:
        weights = list(map(operator.itemgetter(weight), kept_data()))
    except KeyError:  # some ties carry no weight: 1, as networkx reads them
        weights = [data.get(weight, 1) for data in kept_data()]
    return attach(graph, nodes, compress(zip(src, dst, strict=True), keep), weights, weight)


def attach(
    graph: nx.Graph, nodes: list, edges: Iterable, weights: list, weight: str = "weight"
) -> tuple[ig.Graph, list]:
    """Cache an igraph copy made from the graph's own parts: `nodes` in the graph's order,
    `edges` as (i, j) index pairs (any iterable) with i <= j in adjacency order, and their
    weights. The projection calls this with what it has at hand, so no second pass is
    needed."""
    copy = ig.Graph(n=len(nodes), edges=edges)
    copy.es["weight"] = weights
    result = (copy, nodes)
    cache = getattr(graph, "__networkx_cache__", None)
    if cache is not None:
        cache[(CACHE_KEY, weight)] = result
    return result


def cached(graph: nx.Graph, weight: str = "weight") -> tuple[ig.Graph, list] | None:
    """The igraph copy if one was made already (cheap measures use it only then)."""
    if ig is None:
        return None
    return getattr(graph, "__networkx_cache__", {}).get((CACHE_KEY, weight))


def degree_centrality(graph: nx.Graph) -> dict:
    """`nx.degree_centrality`: degree / (n - 1), from the igraph copy if one is cached,
    else straight from networkx's adjacency (no copy is made for it)."""
    n = len(graph)
    if n <= 1:
        return nx.degree_centrality(graph)
    scale = 1 / (n - 1)
    found = cached(graph)
    if found is not None:
        copy, nodes = found
        return dict(zip(nodes, map(scale.__mul__, copy.degree()), strict=True))
    if not _plain(graph):
        return nx.degree_centrality(graph)
    adj = graph._adj
    return dict(zip(adj, map(scale.__mul__, map(len, adj.values())), strict=True))


def strength(graph: nx.Graph, weight: str = "weight") -> dict:
    """`dict(G.degree(weight=weight))`, from the igraph copy if one is cached, else summed
    straight from networkx's adjacency (no copy is made for it)."""
    found = cached(graph, weight)
    if found is not None:
        copy, nodes = found
        return dict(zip(nodes, copy.strength(weights="weight"), strict=True))
    if _plain(graph):
        adj = graph._adj
        rows = map(_values(adj), adj.values())
        weights = map(map, repeat(operator.itemgetter(weight)), rows)
        try:
            return dict(zip(adj, map(sum, weights), strict=True))
        except KeyError:  # a tie without the attribute counts 1: networkx's own loop
            pass
    return dict(graph.degree(weight=weight))


def _plain(graph: nx.Graph) -> bool:
    """Undirected, not a multigraph and without self-loops (which networkx counts twice):
    the graphs whose degree is the length of an adjacency row."""
    if graph.is_directed() or graph.is_multigraph():
        return False
    adj = graph._adj
    return not any(map(operator.contains, adj.values(), adj))


def _values(adj: Mapping) -> Callable[[Mapping], Iterable]:
    """`dict.values` for a graph's own adjacency rows, the generic call for a view's
    (`G.subgraph(...)` filters its rows)."""
    return dict.values if isinstance(adj, dict) else operator.methodcaller("values")


def _distances(copy: ig.Graph) -> str:
    if DISTANCE not in copy.es.attributes():
        weights = copy.es["weight"]
        table = {w: distance(w) for w in set(weights)}  # a few distinct weights
        copy.es[DISTANCE] = list(map(table.__getitem__, weights))
    return DISTANCE


def distance(weight: float) -> float:
    """1/weight as an integer multiple of 1/SCALE (exact for weights 1..20)."""
    if weight <= 0:
        return float(SCALE) * 1e6  # a tie with no weight is as good as no tie
    return float(round(SCALE / weight))


def with_distance(graph: nx.Graph, weight: str = "weight") -> nx.Graph:
    """The graph with a DISTANCE attribute on each edge (for calling networkx directly)."""
    out = graph.copy()
    for _u, _v, data in out.edges(data=True):
        data[DISTANCE] = distance(data.get(weight, 1))
    return out


def pagerank(graph: nx.Graph, alpha: float = 0.85, weight: str = "weight") -> dict:
    if len(graph) == 0:
        return {}
    if ig is None:
        return nx.pagerank(graph, alpha=alpha, weight=weight)
    copy, nodes = to_igraph(graph, weight)
    values = copy.pagerank(directed=False, damping=alpha, weights="weight")
    return dict(zip(nodes, values, strict=True))


def eigenvector(graph: nx.Graph, weight: str = "weight") -> dict:
    if len(graph) == 0:
        return {}
    if ig is None:
        return nx.eigenvector_centrality(graph, weight=weight, max_iter=1000)
    copy, nodes = to_igraph(graph, weight)
    if copy.ecount() == 0:
        values = [1.0] * len(nodes)
    else:
        with warnings.catch_warnings():  # "not meaningful for disconnected graphs"
            warnings.simplefilter("ignore", RuntimeWarning)
            values = copy.eigenvector_centrality(scale=True, weights="weight")
    scale = 1 / (math.hypot(*values) or 1.0)
    return dict(zip(nodes, map(scale.__mul__, map(abs, values)), strict=True))


def betweenness(
    graph: nx.Graph, k: int | None = None, seed: int = 0, weight: str = "weight"
) -> dict:
    """Normalised betweenness, from every node (k=None) or from k sampled source nodes."""
    n = len(graph)
    if k is not None and k >= n:
        k = None
    if ig is None:
        return nx.betweenness_centrality(
            with_distance(graph, weight), k=k, seed=seed, weight=DISTANCE
        )
    copy, nodes = to_igraph(graph, weight)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    if k is None:
        raw = copy.betweenness(directed=False, weights=_distances(copy))
        scale = 2 / ((n - 1) * (n - 2))
        return {v: x * scale for v, x in zip(nodes, raw, strict=True)}
    # networkx's sample: the same generator over the same node order
    sample = random.Random(seed).sample(nodes, k)
    index = {v: i for i, v in enumerate(nodes)}
    sources = [index[s] for s in sample]
    raw = copy.betweenness(directed=False, weights=_distances(copy), sources=sources)
    chosen = set(sample)
    # networkx >= 3.5 rescaling with endpoints excluded; igraph counts each pair once
    inside = 2 / ((k - 1) * (n - 2)) if k > 1 else float("nan")
    outside = 2 / (k * (n - 2))
    return {v: x * (inside if v in chosen else outside) for v, x in zip(nodes, raw, strict=True)}


def louvain(
    graph: nx.Graph, seed: int = 0, resolution: float = 1.0, weight: str = "weight"
) -> list[set]:
    """Louvain communities (largest first) maximising weighted modularity."""
    if len(graph) == 0:
        return []
    if ig is None or graph.number_of_edges() == 0:
        found = nx.community.louvain_communities(
            graph, weight=weight, resolution=resolution, seed=seed
        )
    else:
        copy, nodes = to_igraph(graph, weight)
        ig.set_random_number_generator(random.Random(seed))
        try:
            clusters = copy.community_multilevel(weights="weight", resolution=resolution)
        finally:
            ig.set_random_number_generator(random)
        found = [{nodes[i] for i in members} for members in clusters]
    return sorted(found, key=lambda c: (-len(c), min(map(str, c))))


def modularity(graph: nx.Graph, communities: list[set], weight: str = "weight") -> float:
    if graph.number_of_edges() == 0:
        return 0.0
    return nx.community.modularity(graph, communities, weight=weight)
