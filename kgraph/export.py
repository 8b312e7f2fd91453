"""The store in other tools' formats: RDF (turtle, nt, trig, nquads, jsonld), the
organisation network (graphml, gexf) and memberships as CSV.

* turtle, nt: every distinct triple of the union of all sources, once;
* trig, nquads, jsonld: the whole dataset, each source its own named graph;
* graphml: the organisation network of `kgraph central` (weight = shared partnerships);
* gexf: the same, dynamic: a node starts with its first membership and ends with its last,
  a tie spans its shared partnerships' memberships (dates as YYYY-01-01 / YYYY-12-31;
  an open start or end is left out), so Gephi's timeline can play the network;
* csv: one row per membership; formula-like cells (= + - @) are neutralised.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from kgraph.analytics.facts import Facts, load
from kgraph.analytics.projection import organisation_graph
from kgraph.analytics.selection import Filters, select
from kgraph.store import Store
from kgraph.vocab import PREFIXES

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
TRIPLE_FORMATS = ("turtle", "nt")
FORMATS = (*RDF_FORMATS, "graphml", "gexf", "csv")
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
CSV_COLUMNS = [
    "partnership",
    "organisation",
    "type",
    "region",
    "services",
    "start",
    "end",
    "sources",
    "partnership_iri",
    "organisation_iri",
]


def export(store: Store, fmt: str) -> bytes:
    if fmt in RDF_FORMATS:
        return rdf(store, fmt)
    facts = load(store)
    if fmt == "graphml":
        return graphml(facts)
    if fmt == "gexf":
        return gexf(facts)
    if fmt == "csv":
        return memberships_csv(facts).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def rdf(store: Store, fmt: str) -> bytes:
    kind = RDF_FORMATS[fmt]
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    if fmt in TRIPLE_FORMATS:
        triples = store.ox.query(UNION, **store.scope())
        return triples.serialize(format=kind) or b""  # type: ignore[union-attr]
    if not store.unfinished:
        return store.ox.dump(format=kind, prefixes=prefixes) or b""
    # a source an import is still writing is left out, as every reader leaves it out
    hidden = {ox.NamedNode(g) for g in store.unfinished}
    quads = (q for q in store.ox if q.graph_name not in hidden)
    return ox.serialize(quads, format=kind, prefixes=prefixes) or b""


def network(facts: Facts) -> nx.Graph:
    """The organisation network with plain attributes only (what GraphML can carry)."""
    graph = organisation_graph(select(facts, Filters()))
    out = nx.Graph(name="kgraph organisation network")
    out.add_nodes_from((v, dict(d)) for v, d in graph.nodes(data=True))
    out.add_edges_from((a, b, dict(d)) for a, b, d in graph.edges(data=True))
    return out


def graphml(facts: Facts) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(network(facts), buf)
    return buf.getvalue()


def gexf(facts: Facts) -> bytes:
    graph = network(facts)
    graph.graph["mode"] = "dynamic"
    org_years: dict[str, list[tuple[int | None, int | None]]] = defaultdict(list)
    by_partnership: dict[str, dict[str, tuple[int | None, int | None]]] = defaultdict(dict)
    for m in facts.memberships:
        org_years[m.org].append((m.start, m.end))
        by_partnership[m.partnership][m.org] = (m.start, m.end)
    for v, data in graph.nodes(data=True):
        _span(data, org_years.get(v, []))
    pair_years: dict[tuple[str, str], list[tuple[int | None, int | None]]] = defaultdict(list)
    for members in by_partnership.values():
        names = sorted(members)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if graph.has_edge(a, b):
                    (s1, e1), (s2, e2) = members[a], members[b]
                    start = None if s1 is None or s2 is None else max(s1, s2)
                    end = None if e1 is None or e2 is None else min(e1, e2)
                    pair_years[a, b].append((start, end))
    for a, b, data in graph.edges(data=True):
        _span(data, pair_years.get((a, b)) or pair_years.get((b, a)) or [])
    buf = io.BytesIO()
    nx.write_gexf(graph, buf)
    # networkx stamps today's date: leave it out so the same store gives the same file
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue(), count=1)


def _span(data: dict, years: list[tuple[int | None, int | None]]) -> None:
    if not years:
        return
    starts = [s for s, _e in years]
    ends = [e for _s, e in years]
    if None not in starts:
        data["start"] = f"{min(starts):04d}-01-01"  # type: ignore[type-var]
    if None not in ends:
        data["end"] = f"{max(ends):04d}-12-31"  # type: ignore[type-var]


def memberships_csv(facts: Facts) -> str:
    from kgraph import tables

    names = {s.graph: s.file for s in facts.sources}
    rows = []
    for m in facts.memberships:
        p = facts.partnerships.get(m.partnership)
        o = facts.orgs.get(m.org)
        rows.append(
            {
                "partnership": p.label if p else m.partnership,
                "organisation": o.label if o else m.org,
                "type": o.type.label if o else "",
                "region": o.region.label if o and o.region else "",
                "services": [c.label for c in p.services] if p else [],
                "start": m.start,
                "end": m.end,
                "sources": sorted(names.get(g, g) for g in m.sources),
                "partnership_iri": m.partnership,
                "organisation_iri": m.org,
            }
        )
    return tables.as_csv(rows, CSV_COLUMNS)
