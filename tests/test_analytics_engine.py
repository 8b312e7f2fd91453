"""The igraph engine gives networkx's answers: compared measure by measure on small graphs."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from kgraph.analytics import centrality, engine


def weighted(graph: nx.Graph, seed: int = 1, high: int = 4) -> nx.Graph:
    rng = random.Random(seed)
    for _u, _v, data in graph.edges(data=True):
        data["weight"] = rng.randint(1, high)
    return graph


GRAPHS = {
    "karate": lambda: weighted(nx.karate_club_graph()),
    "random": lambda: weighted(nx.gnm_random_graph(60, 240, seed=5), seed=2, high=6),
    "two-parts": lambda: weighted(
        nx.disjoint_union(nx.gnm_random_graph(20, 60, seed=1), nx.path_graph(4)), seed=3
    ),
    "named-nodes": lambda: weighted(
        nx.relabel_nodes(nx.les_miserables_graph(), lambda v: f"org/{v}"), seed=4
    ),
}
CONNECTED = ["karate", "random", "named-nodes"]


def close(a: dict, b: dict, tol: float) -> None:
    assert a.keys() == b.keys()
    worst = max(abs(a[v] - b[v]) for v in a)
    assert worst <= tol, worst


@pytest.mark.parametrize("name", GRAPHS)
def test_pagerank_is_networkx_pagerank(name: str) -> None:
    graph = GRAPHS[name]()
    close(engine.pagerank(graph), nx.pagerank(graph, weight="weight", tol=1e-12), 1e-6)


@pytest.mark.parametrize("name", CONNECTED)
def test_eigenvector_is_networkx_eigenvector(name: str) -> None:
    graph = GRAPHS[name]()
    expected = nx.eigenvector_centrality(graph, weight="weight", max_iter=5000, tol=1e-12)
    close(engine.eigenvector(graph), expected, 1e-6)


@pytest.mark.parametrize("name", GRAPHS)
def test_exact_betweenness_is_networkx_with_distance_one_over_weight(name: str) -> None:
    graph = GRAPHS[name]()
    expected = nx.betweenness_centrality(engine.with_distance(graph), weight=engine.DISTANCE)
    close(engine.betweenness(graph), expected, 1e-12)


@pytest.mark.parametrize("name", GRAPHS)
def test_sampled_betweenness_is_networkx_sampled_betweenness(name: str) -> None:
    graph = GRAPHS[name]()
    expected = nx.betweenness_centrality(
        engine.with_distance(graph), k=10, seed=7, weight=engine.DISTANCE
    )
    close(engine.betweenness(graph, k=10, seed=7), expected, 1e-12)


def test_distance_shrinks_as_ties_grow_and_keeps_equal_paths_equal() -> None:
    assert engine.distance(1) > engine.distance(2) > engine.distance(3)
    assert 3 * engine.distance(3) == engine.distance(1)  # 1/3 + 1/3 + 1/3 == 1, exactly


def test_known_answers_star_and_path() -> None:
    star = nx.star_graph(4)  # centre 0
    nx.set_edge_attributes(star, 1, "weight")
    assert engine.betweenness(star)[0] == pytest.approx(1.0)
    assert engine.betweenness(star)[1] == 0.0
    path = nx.path_graph(["a", "b", "c"])
    assert engine.betweenness(path) == {"a": 0.0, "b": 1.0, "c": 0.0}
    # a strong tie is a short one: b-c-d (2 shared each) beats the direct b-d (1 shared)
    square = nx.Graph()
    square.add_edge("b", "c", weight=2)
    square.add_edge("c", "d", weight=2)
    square.add_edge("b", "d", weight=1)
    square.add_edge("a", "b", weight=1)
    scores = engine.betweenness(square)
    assert scores["c"] > 0 and scores["b"] > scores["c"]


def test_louvain_finds_two_cliques_like_networkx() -> None:
    graph = nx.Graph()
    left, right = [f"L{i}" for i in range(5)], [f"R{i}" for i in range(5)]
    for group in (left, right):
        graph.add_edges_from((a, b, {"weight": 2}) for a in group for b in group if a < b)
    graph.add_edge("L0", "R0", weight=1)
    found = engine.louvain(graph)
    assert sorted(map(sorted, found)) == [left, right]
    expected = nx.community.louvain_communities(graph, weight="weight", seed=0)
    assert sorted(map(sorted, expected)) == sorted(map(sorted, found))
    assert engine.modularity(graph, found) == pytest.approx(
        nx.community.modularity(graph, expected, weight="weight")
    )


def test_louvain_modularity_matches_networkx_on_karate() -> None:
    graph = GRAPHS["karate"]()
    ours = engine.modularity(graph, engine.louvain(graph, seed=0))
    theirs = nx.community.modularity(
        graph, nx.community.louvain_communities(graph, weight="weight", seed=0), weight="weight"
    )
    assert ours == pytest.approx(theirs, abs=0.03)
    assert engine.louvain(graph, seed=0) == engine.louvain(graph, seed=0)  # repeatable


def test_copy_is_cached_and_dropped_when_the_graph_changes() -> None:
    graph = GRAPHS["karate"]()
    first = engine.to_igraph(graph)
    assert engine.to_igraph(graph) is first
    graph.add_edge(0, 99, weight=1)
    second = engine.to_igraph(graph)
    assert second is not first and second[0].vcount() == 35
    assert engine.pagerank(graph).keys() == set(graph)


def test_without_igraph_networkx_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = GRAPHS["karate"]()
    with_igraph = {
        "pagerank": engine.pagerank(graph),
        "betweenness": engine.betweenness(graph),
        "eigenvector": engine.eigenvector(graph),
    }
    monkeypatch.setattr(engine, "ig", None)
    close(engine.pagerank(graph), with_igraph["pagerank"], 1e-5)  # networkx tol=1e-6
    close(engine.betweenness(graph), with_igraph["betweenness"], 1e-12)
    close(engine.eigenvector(graph), with_igraph["eigenvector"], 1e-5)
    assert len(engine.louvain(graph)) >= 2


def test_empty_and_edgeless_graphs() -> None:
    empty = nx.Graph()
    assert engine.pagerank(empty) == {} and engine.eigenvector(empty) == {}
    assert engine.betweenness(empty) == {} and engine.louvain(empty) == []
    alone = nx.Graph()
    alone.add_nodes_from("abc")
    assert engine.pagerank(alone) == pytest.approx(dict.fromkeys("abc", 1 / 3))
    assert engine.betweenness(alone) == dict.fromkeys("abc", 0.0)
    assert len(engine.louvain(alone)) == 3


def test_big_networks_get_sampled_betweenness_and_say_so(monkeypatch) -> None:
    graph = GRAPHS["random"]()
    monkeypatch.setattr(centrality, "EXACT_LIMIT", 50)
    monkeypatch.setattr(centrality, "SAMPLE_SOURCES", 10)
    scores = centrality.compute(graph, "betweenness", seed=7)
    assert "estimated from 10 of 60 organisations" in scores.method
    close(scores.values, engine.betweenness(graph, k=10, seed=7), 0)
    assert centrality.compute(graph, "betweenness", exact=True).method == "exact"


def awkward() -> nx.Graph:
    """Self-loops (counted twice by networkx), ties without a weight, mixed node names."""
    graph = weighted(nx.gnm_random_graph(30, 80, seed=9), seed=6)
    graph.add_edge(3, 3, weight=2)
    graph.add_edge(4, 4)
    graph.add_edge(5, "x")  # no weight: counts 1
    graph.add_node("alone")
    return graph


CASES = {**GRAPHS, "awkward": awkward}


def has_copy(graph: nx.Graph) -> bool:
    return engine.cached(graph) is not None


@pytest.mark.parametrize("name", CASES)
def test_degree_without_a_copy_is_networkx_degree_and_makes_no_copy(name: str) -> None:
    graph = CASES[name]()
    assert engine.degree_centrality(graph) == nx.degree_centrality(graph)
    assert engine.strength(graph) == dict(graph.degree(weight="weight"))
    assert not has_copy(graph)  # read from the adjacency: nothing copied


@pytest.mark.parametrize("name", CASES)
def test_degree_from_a_cached_copy_is_networkx_degree(name: str) -> None:
    graph = CASES[name]()
    engine.to_igraph(graph)
    assert has_copy(graph)
    close(engine.degree_centrality(graph), nx.degree_centrality(graph), 1e-15)
    close(engine.strength(graph), dict(graph.degree(weight="weight")), 1e-12)


@pytest.mark.parametrize("name", CASES)
def test_copy_holds_every_tie_once_with_its_weight(name: str) -> None:
    graph = CASES[name]()
    copy, nodes = engine.to_igraph(graph)
    assert nodes == list(graph) and copy.vcount() == len(graph)
    got = sorted(
        (min(a, b), max(a, b), w)
        for (a, b), w in zip(copy.get_edgelist(), copy.es["weight"], strict=True)
    )
    index = {v: i for i, v in enumerate(nodes)}
    want = sorted(
        (min(index[u], index[v]), max(index[u], index[v]), w)
        for u, v, w in graph.edges(data="weight", default=1)
    )
    assert got == want


def test_weighted_degree_of_a_graph_from_elsewhere_needs_no_copy() -> None:
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("b", "c", weight=2)
    graph.add_node("d")
    assert not has_copy(graph)
    assert centrality.compute(graph, "weighted").values == {"a": 3, "b": 5, "c": 2, "d": 0}
    assert centrality.compute(graph, "degree").values == {
        "a": 1 / 3,
        "b": 2 / 3,
        "c": 1 / 3,
        "d": 0,
    }
    assert not has_copy(graph)
    assert engine.strength(graph, weight="savings") == {"a": 1, "b": 2, "c": 1, "d": 0}


def test_degree_of_directed_and_multigraphs_falls_back_to_networkx() -> None:
    directed = nx.DiGraph([(1, 2), (2, 3), (3, 1), (1, 3)])
    assert engine.degree_centrality(directed) == nx.degree_centrality(directed)
    multi = nx.MultiGraph([(1, 2), (1, 2), (2, 3)])
    assert engine.strength(multi) == dict(multi.degree(weight="weight"))
    assert engine.degree_centrality(nx.Graph()) == {}
    one = nx.Graph()
    one.add_node("a")
    assert engine.degree_centrality(one) == {"a": 1}


def test_subgraph_views_give_networkx_answers() -> None:
    graph = awkward()
    view = graph.subgraph([v for v in graph if v != 7])  # a view filtering the adjacency
    assert engine.degree_centrality(view) == nx.degree_centrality(view)
    assert engine.strength(view) == dict(view.degree(weight="weight"))
    plain = weighted(nx.gnm_random_graph(40, 120, seed=3), seed=8)
    view = plain.subgraph(range(1, 40))
    assert engine.degree_centrality(view) == nx.degree_centrality(view)
    assert engine.strength(view) == dict(view.degree(weight="weight"))
    close(engine.pagerank(view), nx.pagerank(view, weight="weight", tol=1e-12), 1e-6)
    copy, nodes = engine.to_igraph(view)
    assert nodes == list(view) and copy.ecount() == view.number_of_edges()
