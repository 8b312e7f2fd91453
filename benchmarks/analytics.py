"""Analytics speed: kgraph against plain networkx and igraph, measured in one run.

    python -m benchmarks.analytics              # 10,000 organisations, ~100,000 ties
    python -m benchmarks.analytics --scale S    # 300 organisations: a smoke run for CI
    python -m benchmarks.analytics --store      # also time the store -> network projection

A network of partnerships is generated (organisations in 12 regions, partnerships of 2-8
members mostly inside a region, a few national ones) and projected to the organisation
network by kgraph itself. Each measure is then timed on that graph:

* networkx      the plain networkx function (betweenness with distance = 1/shared);
* igraph        igraph called directly on a graph already built in igraph;
* kgraph        kgraph.analytics as `kgraph central` runs it: the projection hands over an
                igraph copy of the network it built (its cost is in the projection time);
* kgraph+copy   kgraph.analytics on a networkx graph from elsewhere: includes copying it
                into igraph (done once per graph and cached, so only the first measure
                pays it; the copy time is printed on its own too).

Ratios are taken between times of this run only. Betweenness is what `kgraph central`
computes for the graph's size: exact up to 5,000 organisations, else sampled from 500
sources, and networkx and igraph are timed on the same computation (same sources).
Best of --repeat runs (a run over a second is not repeated).
"""

from __future__ import annotations

import argparse
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
        if times[-1] > 1.0:
            break
    return min(times), result


def igraph_copy(graph: nx.Graph) -> tuple[ig.Graph, list]:
    """igraph's own graph, built outside the timings (what an igraph user starts from)."""
    nodes = list(graph)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    copy = ig.Graph(n=len(nodes), edges=edges)
    copy.es["weight"] = [d["weight"] for _u, _v, d in graph.edges(data=True)]
    copy.es[engine.DISTANCE] = [engine.distance(w) for w in copy.es["weight"]]
    return copy, nodes


def measures(graph: nx.Graph, seed: int) -> dict[str, dict[str, Callable[[], Any]]]:
    g, nodes = igraph_copy(graph)
    n = len(nodes)
    sampled = n > centrality.EXACT_LIMIT
    k = centrality.SAMPLE_SOURCES if sampled else None
    sources = random.Random(seed).sample(range(n), k) if sampled else None
    distance_graph = engine.with_distance(graph)
    label = f"betweenness ({'sampled, k=' + str(k) if sampled else 'exact'})"
    return {
        "degree": {
            "networkx": lambda: nx.degree_centrality(graph),
            "igraph": lambda: [d / (n - 1) for d in g.degree()],
            "kgraph": lambda: centrality.compute(graph, "degree").values,
        },
        "weighted degree": {
            "networkx": lambda: dict(graph.degree(weight="weight")),
            "igraph": lambda: g.strength(weights="weight"),
            "kgraph": lambda: centrality.compute(graph, "weighted").values,
        },
        "pagerank": {
            "networkx": lambda: nx.pagerank(graph, weight="weight"),
            "igraph": lambda: g.pagerank(weights="weight", directed=False),
            "kgraph": lambda: centrality.compute(graph, "pagerank").values,
        },
        "eigenvector": {
            "networkx": lambda: nx.eigenvector_centrality(graph, weight="weight", max_iter=1000),
            "igraph": lambda: g.eigenvector_centrality(weights="weight"),
            "kgraph": lambda: centrality.compute(graph, "eigenvector").values,
        },
        label: {
            "networkx": lambda: nx.betweenness_centrality(
                distance_graph, k=k, seed=seed, weight=engine.DISTANCE
            ),
            "igraph": lambda: g.betweenness(directed=False, weights="distance", sources=sources),
            "kgraph": lambda: centrality.compute(graph, "betweenness", seed=seed).values,
        },
        "louvain": {
            "networkx": lambda: nx.community.louvain_communities(graph, weight="weight", seed=seed),
            "igraph": lambda: _seeded(seed) and g.community_multilevel(weights="weight"),
            "kgraph": lambda: engine.louvain(graph, seed=seed),
        },
    }


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

    def convert_once() -> Any:
        graph.__networkx_cache__.clear()
        return engine.to_igraph(graph)

    convert, _ = best(convert_once, repeat)
    say(f"copying a networkx graph into igraph (kgraph+copy, once per graph): {convert:.3f} s\n\n")
    header = (
        f"{'measure':30} {'networkx':>9} {'igraph':>9} {'kgraph':>9} {'kgraph':>9}"
        f"  {'kgraph/':>8} {'kgraph+copy/':>12} {'networkx/':>9}\n"
        f"{'':30} {'s':>9} {'s':>9} {'s':>9} {'+copy s':>9}"
        f"  {'igraph':>8} {'igraph':>12} {'kgraph':>9}\n"
    )
    say(header)
    results = []
    for name, ways in measures(graph, seed).items():
        t_ig, _ = best(ways["igraph"], repeat)

        def cold(fn: Callable[[], Any] = ways["kgraph"]) -> Any:
            graph.__networkx_cache__.clear()
            return fn()

        t_cold, _ = best(cold, repeat)
        engine.to_igraph(graph)  # as the projection leaves it
        t_warm, _ = best(ways["kgraph"], repeat)
        t_nx, _ = best(ways["networkx"], repeat)
        row = {
            "measure": name,
            "networkx": t_nx,
            "igraph": t_ig,
            "kgraph": t_warm,
            "kgraph_copy": t_cold,
        }
        results.append(row)
        say(
            f"{name:30} {t_nx:9.4f} {t_ig:9.4f} {t_warm:9.4f} {t_cold:9.4f}"
            f"  {_ratio(t_warm, t_ig):>8} {_ratio(t_cold, t_ig):>12} {_ratio(t_nx, t_warm):>9}\n"
        )
    return results


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


def _seeded(seed: int) -> bool:
    """igraph's random generator seeded as kgraph seeds it, so both do the same work."""
    ig.set_random_number_generator(random.Random(seed))
    return True


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
