"""Analytics speed: kgraph against plain networkx and igraph, measured in one run.

    python -m benchmarks.analytics              # 10,000 organisations, ~100,000 ties
    python -m benchmarks.analytics --scale S    # 300 organisations: a smoke run for CI
    python -m benchmarks.analytics --store      # also time the store -> network projection

A network of partnerships is generated (organisations in 12 regions, partnerships of 2-8
members mostly inside a region, a few national ones) and projected to the organisation
network by kgraph itself. Each measure is then timed on that graph:

* networkx      the plain networkx function (betweenness with distance = 1/shared);
* igraph        igraph called directly on a graph already built in igraph, giving the same
                answer: a dict organisation -> value normalised as networkx normalises;
* kgraph        kgraph.analytics as `kgraph central` runs it: the projection hands over an
                igraph copy of the network it built (its cost is in the projection time);
* igraph+conv   igraph starting from the same networkx graph: converting it by hand
                (igraph_by_hand: one pass over graph.edges(data=...), the fastest plain
                conversion measured; Graph.from_networkx is about 3x slower and its time
                is printed too) and then the igraph column's computation;
* kgraph+copy   kgraph.analytics on a networkx graph from elsewhere: includes copying it
                into igraph where the measure needs igraph (degree and weighted degree
                read networkx's adjacency and need no copy).

Ratios: kgraph/igraph (graph ready in each engine) and kgraph+copy/igraph+conv (both start
from a networkx graph), taken between times of this run only. Under the table, how far
igraph's and kgraph's answers are from networkx's (Louvain: the modularity each finds).
Ratios are taken between times of this run only. Betweenness is what `kgraph central`
computes for the graph's size: exact up to 5,000 organisations, else sampled from 500
sources, and networkx and igraph are timed on the same computation (same sources).
Best of --repeat runs (a run over LONG = 10 s is not repeated); igraph, igraph+conv,
kgraph+copy and kgraph are timed in rounds, one run of each per round, so that load from
other work on a shared machine falls on them alike.
"""

from __future__ import annotations

import argparse
import gc
import math
import operator
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import igraph as ig  # noqa: E402
import networkx as nx  # noqa: E402

# networkx PageRank imports scipy: import it here, outside the timings
import scipy.sparse  # noqa: E402, F401

from kgraph.analytics import centrality, engine  # noqa: E402
from kgraph.analytics.facts import Concept, Facts, Membership, Org, Partnership  # noqa: E402
from kgraph.analytics.projection import organisation_graph  # noqa: E402
from kgraph.analytics.selection import Filters, select  # noqa: E402

LONG = 10.0  # a run longer than this (plain networkx's slow measures) is not repeated
SCALES = {"S": (300, 3_000), "M": (2_000, 20_000), "L": (10_000, 100_000)}
SCHEME = "https://w3id.org/kgraph/scheme/"
SECTORS = ["council"] * 6 + ["health", "police-fire", "third-sector", "private"]


def generate(orgs: int, ties: int, seed: int = 0) -> Facts:
    """Organisations in 12 regions joined by partnerships until about `ties` pairs exist."""
    rng = random.Random(seed)
    regions = [Concept(f"{SCHEME}region/r{i}", f"r{i}", f"Region {i}") for i in range(12)]
    services = [Concept(f"{SCHEME}service/s{i}", f"s{i}", f"Service {i}") for i in range(20)]
    people = []
    for i in range(orgs):
        sector = rng.choice(SECTORS)
        kind = Concept(f"{SCHEME}orgtype/{sector}", sector, sector)
        people.append(
            Org(f"org/{i}", f"Organisation {i}", kind, Concept(f"{SCHEME}sector/{sector}", sector,
                sector), regions[i % len(regions)])
        )  # fmt: skip
    by_region = [people[r :: len(regions)] for r in range(len(regions))]
    parts, members, pairs = [], [], set()
    while len(pairs) < ties:
        pool = people if rng.random() < 0.05 else rng.choice(by_region)
        size = min(len(pool), rng.choice([2, 2, 3, 3, 4, 5, 6, 8]))
        chosen = sorted(o.iri for o in rng.sample(pool, size))
        iri = f"partnership/{len(parts)}"
        start = rng.randint(2000, 2020)
        end = rng.choice([None, start + rng.randint(1, 10)])
        parts.append(Partnership(iri, f"Partnership {len(parts)}", (rng.choice(services),)))
        members.extend(Membership(iri, o, start, end) for o in chosen)
        pairs.update((a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :])
    return Facts.build(people, parts, members)


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        if times[-1] > LONG:
            break
    return min(times), result


def interleaved(
    ways: dict[str, tuple[Callable[[], Any] | None, Callable[[], Any]]], repeat: int
) -> dict[str, tuple[float, Any]]:
    """Best time and answer of each way, timed in rounds (each way once per round) so
    that load from other work on a shared machine falls on all of them alike. A way's
    setup runs untimed before each of its runs, after a garbage collection."""
    times: dict[str, list[float]] = {name: [] for name in ways}
    answers: dict[str, Any] = {}
    for _ in range(repeat):
        for name, (setup, fn) in ways.items():
            if setup is not None:
                setup()
            gc.collect()
            started = time.perf_counter()
            answers[name] = fn()
            times[name].append(time.perf_counter() - started)
        if min(min(t) for t in times.values()) > LONG:
            break
    return {name: (min(times[name]), answers[name]) for name in ways}


def igraph_by_hand(graph: nx.Graph) -> ig.Graph:
    """A networkx graph into igraph as an igraph user writes it: one pass over
    `graph.edges(data=...)`, vertices named after the networkx nodes.

    `ig.Graph.from_networkx` is igraph's own way but copies every node and edge attribute
    (labels, types, regions) that no measure reads, and takes about three times as long at
    this size (its time is printed above the table); this loop is the fastest plainly
    written conversion measured, so the comparison does not handicap igraph."""
    nodes = list(graph)
    index = {v: i for i, v in enumerate(nodes)}
    edges, weights = [], []
    for u, v, w in graph.edges(data="weight", default=1):
        edges.append((index[u], index[v]))
        weights.append(w)
    return ig.Graph(
        n=len(nodes), edges=edges, edge_attrs={"weight": weights}, vertex_attrs={"name": nodes}
    )


def igraph_ready(graph: nx.Graph) -> ig.Graph:
    """igraph's own graph, built outside the timings (what an igraph user starts from)."""
    g = igraph_by_hand(graph)
    _distances(g)
    return g


def _distances(g: ig.Graph) -> None:
    """Betweenness reads a tie's length, 1/weight (as engine.distance makes it exact)."""
    if engine.DISTANCE not in g.es.attributes():
        g.es[engine.DISTANCE] = [float(round(engine.SCALE / w)) for w in g.es["weight"]]


# igraph used directly, giving the answer networkx and kgraph give: organisation -> value,
# normalised as networkx normalises (written with the same idioms kgraph uses)


def ig_degree(g: ig.Graph) -> dict:
    scale = 1 / (g.vcount() - 1)
    return dict(zip(g.vs["name"], map(scale.__mul__, g.degree()), strict=True))


def ig_strength(g: ig.Graph) -> dict:
    return dict(zip(g.vs["name"], g.strength(weights="weight"), strict=True))


def ig_pagerank(g: ig.Graph) -> dict:
    return dict(zip(g.vs["name"], g.pagerank(weights="weight", directed=False), strict=True))


def ig_eigenvector(g: ig.Graph) -> dict:
    values = g.eigenvector_centrality(weights="weight")  # largest 1; networkx: unit length
    scale = 1 / math.hypot(*values)
    return dict(zip(g.vs["name"], map(scale.__mul__, values), strict=True))


def ig_betweenness(g: ig.Graph, k: int | None, seed: int) -> dict:
    """networkx's normalised betweenness; sampled: networkx's sources and rescaling."""
    _distances(g)
    names, n = g.vs["name"], g.vcount()
    if k is None:
        raw = g.betweenness(directed=False, weights=engine.DISTANCE)
        scale = 2 / ((n - 1) * (n - 2))
        return dict(zip(names, map(scale.__mul__, raw), strict=True))
    sources = random.Random(seed).sample(range(n), k)  # the positions networkx samples
    raw = g.betweenness(directed=False, weights=engine.DISTANCE, sources=sources)
    inside, outside = 2 / ((k - 1) * (n - 2)), 2 / (k * (n - 2))
    scales = [outside] * n
    for i in sources:
        scales[i] = inside
    return dict(zip(names, map(operator.mul, raw, scales), strict=True))


def ig_louvain(g: ig.Graph, seed: int) -> list[set]:
    ig.set_random_number_generator(random.Random(seed))  # as kgraph seeds it
    names = g.vs["name"]
    return [{names[i] for i in members} for members in g.community_multilevel(weights="weight")]


def measures(graph: nx.Graph, seed: int) -> dict[str, dict[str, Callable[..., Any]]]:
    """Per measure: networkx and kgraph on the networkx graph, igraph on an igraph graph."""
    n = len(graph)
    sampled = n > centrality.EXACT_LIMIT
    k = centrality.SAMPLE_SOURCES if sampled else None
    distance_graph = engine.with_distance(graph)
    label = f"betweenness ({'sampled, k=' + str(k) if sampled else 'exact'})"
    return {
        "degree": {
            "networkx": lambda: nx.degree_centrality(graph),
            "igraph": ig_degree,
            "kgraph": lambda: centrality.compute(graph, "degree").values,
        },
        "weighted degree": {
            "networkx": lambda: dict(graph.degree(weight="weight")),
            "igraph": ig_strength,
            "kgraph": lambda: centrality.compute(graph, "weighted").values,
        },
        "pagerank": {
            "networkx": lambda: nx.pagerank(graph, weight="weight"),
            "igraph": ig_pagerank,
            "kgraph": lambda: centrality.compute(graph, "pagerank").values,
        },
        "eigenvector": {
            "networkx": lambda: nx.eigenvector_centrality(graph, weight="weight", max_iter=1000),
            "igraph": ig_eigenvector,
            "kgraph": lambda: centrality.compute(graph, "eigenvector").values,
        },
        label: {
            "networkx": lambda: nx.betweenness_centrality(
                distance_graph, k=k, seed=seed, weight=engine.DISTANCE
            ),
            "igraph": lambda g: ig_betweenness(g, k, seed),
            "kgraph": lambda: centrality.compute(graph, "betweenness", seed=seed).values,
        },
        "louvain": {
            "networkx": lambda: nx.community.louvain_communities(graph, weight="weight", seed=seed),
            "igraph": lambda g: ig_louvain(g, seed),
            "kgraph": lambda: engine.louvain(graph, seed=seed),
        },
    }


COLUMNS = ("networkx", "igraph", "kgraph", "igraph_conv", "kgraph_copy")


def run(scale: str, repeat: int, seed: int, with_store: bool, out=sys.stdout) -> list[dict]:
    orgs, ties = SCALES[scale]
    say = out.write
    started = time.perf_counter()
    facts = generate(orgs, ties, seed)
    took = time.perf_counter() - started
    say(f"generated {len(facts.partnerships):,} partnerships in {took:.1f} s\n")
    took, graph = best(lambda: organisation_graph(select(facts, Filters())), 1)
    say(
        f"network: {graph.number_of_nodes():,} organisations, {graph.number_of_edges():,} ties "
        f"(selection + projection to networkx with its igraph copy {took:.2f} s)\n"
    )
    if with_store:
        _time_store(facts, say)

    def forget() -> None:  # a networkx graph from elsewhere: no igraph copy cached yet
        graph.__networkx_cache__.clear()

    def handed() -> None:  # as the projection leaves the graph: its igraph copy cached
        engine.to_igraph(graph)

    took = interleaved(
        {
            "kgraph": (forget, lambda: engine.to_igraph(graph)),
            "by hand": (None, lambda: igraph_by_hand(graph)),
            "from_networkx": (None, lambda: ig.Graph.from_networkx(graph)),
        },
        repeat,
    )
    say(
        f"networkx graph -> igraph: kgraph (engine.to_igraph, once per graph) "
        f"{took['kgraph'][0]:.3f} s; by hand (igraph+conv) {took['by hand'][0]:.3f} s; "
        f"igraph.Graph.from_networkx {took['from_networkx'][0]:.3f} s\n\n"
    )
    say(
        f"{'measure':28} {'networkx':>8} {'igraph':>8} {'kgraph':>8} {'igraph':>8} {'kgraph':>8}"
        f"  {'kgraph/':>7} {'kgraph+copy/':>12} {'networkx/':>9}\n"
        f"{'':28} {'s':>8} {'s':>8} {'s':>8} {'+conv s':>8} {'+copy s':>8}"
        f"  {'igraph':>7} {'igraph+conv':>12} {'kgraph':>9}\n"
    )
    ready = igraph_ready(graph)
    results, checks = [], []
    for name, ways in measures(graph, seed).items():
        on_igraph, on_kgraph = ways["igraph"], ways["kgraph"]
        timed = interleaved(
            {
                "igraph": (None, lambda fn=on_igraph: fn(ready)),
                "igraph_conv": (None, lambda fn=on_igraph: fn(igraph_by_hand(graph))),
                "kgraph_copy": (forget, on_kgraph),
                "kgraph": (handed, on_kgraph),
            },
            repeat,
        )
        gc.collect()
        timed["networkx"] = best(ways["networkx"], repeat)
        (t_ig, by_igraph), (t_warm, by_kgraph) = timed["igraph"], timed["kgraph"]
        t_conv, t_cold, (t_nx, by_networkx) = (
            timed["igraph_conv"][0],
            timed["kgraph_copy"][0],
            timed["networkx"],
        )
        checks.append(_agreement(graph, name, by_networkx, by_igraph, by_kgraph))
        results.append({"measure": name, **{c: timed[c][0] for c in COLUMNS}})
        say(
            f"{name:28} {t_nx:8.4f} {t_ig:8.4f} {t_warm:8.4f} {t_conv:8.4f} {t_cold:8.4f}"
            f"  {_ratio(t_warm, t_ig):>7} {_ratio(t_cold, t_conv):>12}"
            f" {_ratio(t_nx, t_warm):>9}\n"
        )
    say("\nlargest difference from networkx's answer: " + "; ".join(checks) + "\n")
    return results


def _agreement(graph: nx.Graph, name: str, want: Any, by_igraph: Any, by_kgraph: Any) -> str:
    """Largest difference of igraph's and kgraph's values from networkx's (networkx stops
    PageRank and eigenvector iterations at tol=1e-6, igraph solves them more precisely)
    and from each other; for Louvain the modularity of each partition, which depends on
    visiting order in each library."""
    if isinstance(want, dict):
        assert want.keys() == by_igraph.keys() == by_kgraph.keys(), name
        worst = max(abs(g[v] - want[v]) for g in (by_igraph, by_kgraph) for v in want)
        apart = max(abs(by_kgraph[v] - by_igraph[v]) for v in want)
        return f"{name} {worst:.0e} (kgraph-igraph {apart:.0e})"
    found = "/".join(
        f"{nx.community.modularity(graph, c, weight='weight'):.3f}"
        for c in (want, by_igraph, by_kgraph)
    )
    return f"{name} modularity {found} (networkx/igraph/kgraph)"


def store_from_facts(facts: Facts) -> Any:
    """An in-memory store holding the facts as kgraph's importers write them (MODEL.md)."""
    import pyoxigraph as ox

    from kgraph.store import Store

    def iri(text: str) -> ox.NamedNode:
        return ox.NamedNode(text if "://" in text else "https://w3id.org/kgraph/id/" + text)

    org = "http://www.w3.org/ns/org#"
    kg, time_ = "https://w3id.org/kgraph/ns#", "http://www.w3.org/2006/time#"
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    p_ = {name: ox.NamedNode(base + name) for base, names in (
        (org, ["hasMember", "hasMembership", "member", "organization", "memberDuring",
               "Organization", "OrganizationalCollaboration", "Membership"]),
        (kg, ["orgType", "region", "serviceArea", "Source", "fileName"]),
        (time_, ["hasBeginning", "hasEnd", "inXSDgYear", "Interval", "Instant"]),
    ) for name in names}  # fmt: skip
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    graph = iri("source/bench")
    quads = [ox.Quad(graph, a, p_["Source"], graph)]
    quads.append(ox.Quad(graph, p_["fileName"], ox.Literal("bench.csv"), graph))

    def add(s: ox.NamedNode, p: ox.NamedNode, o: Any) -> None:
        quads.append(ox.Quad(s, p, o, graph))

    for o in facts.orgs.values():
        add(iri(o.iri), a, p_["Organization"])
        add(iri(o.iri), label, ox.Literal(o.label))
        add(iri(o.iri), p_["orgType"], ox.NamedNode(o.type.iri))
        if o.region:
            add(iri(o.iri), p_["region"], ox.NamedNode(o.region.iri))
    for p in facts.partnerships.values():
        add(iri(p.iri), a, p_["OrganizationalCollaboration"])
        add(iri(p.iri), label, ox.Literal(p.label))
        for service in p.services:
            add(iri(p.iri), p_["serviceArea"], ox.NamedNode(service.iri))
    for i, m in enumerate(facts.memberships):
        node, span = iri(f"membership/{i}"), iri(f"interval/{i}")
        add(iri(m.partnership), p_["hasMember"], iri(m.org))
        add(iri(m.partnership), p_["hasMembership"], node)
        add(node, a, p_["Membership"])
        add(node, p_["member"], iri(m.org))
        add(node, p_["organization"], iri(m.partnership))
        add(node, p_["memberDuring"], span)
        add(span, a, p_["Interval"])
        for edge, year in ((p_["hasBeginning"], m.start), (p_["hasEnd"], m.end)):
            if year is not None:
                instant = iri(f"instant/{year}")
                add(span, edge, instant)
                add(instant, p_["inXSDgYear"], ox.Literal(str(year), datatype=gyear))
    store = Store.memory()
    store.ox.bulk_extend(quads)
    return store


def _time_store(facts: Facts, say: Callable[[str], Any]) -> None:
    from kgraph.analytics.facts import load

    started = time.perf_counter()
    store = store_from_facts(facts)
    say(f"store: {len(store.ox):,} triples written in {time.perf_counter() - started:.1f} s\n")
    took, loaded = best(lambda: load(store), 1)
    took_graph, graph = best(lambda: organisation_graph(select(loaded, Filters())), 1)
    say(
        f"store -> networkx: read {took:.2f} s + project {took_graph:.2f} s "
        f"({graph.number_of_edges():,} ties)\n"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="L")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", action="store_true", help="also time store -> network")
    args = parser.parse_args(argv)
    run(args.scale, args.repeat, args.seed, args.store)


if __name__ == "__main__":
    main()
