"""A selection -> networkx graphs: the organisation network and the bipartite view.

Organisation network: one node per organisation in the selection (isolated ones too), an
edge between two organisations that share at least one selected partnership, with
`weight` = the number of partnerships they share and, if asked, `savings` = the yearly
savings (GBP) those partnerships report. Literals never become nodes.

Bipartite view: organisations (bipartite=0) joined to their partnerships (bipartite=1).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx

from kgraph.analytics import engine
from kgraph.analytics.facts import Org, load
from kgraph.analytics.selection import Filters, Selection, select
from kgraph.store import Store


def node_attributes(org: Org) -> dict[str, str]:
    return {
        "label": org.label,
        "type": org.type.notation,
        "type_label": org.type.label,
        "sector": org.sector.notation,
        "region": org.region.notation if org.region else "",
        "region_label": org.region.label if org.region else "",
        "gss": org.gss,
    }


def organisation_graph(selection: Selection, *, savings: bool = False) -> nx.Graph:
    from kgraph.analytics.outcomes import savings_of

    facts = selection.facts
    graph = nx.Graph(filters=selection.filters.describe())
    for iri in sorted(selection.orgs):
        graph.add_node(iri, **node_attributes(facts.orgs.get(iri) or Org(iri, iri)))
    shared: Counter[tuple[str, str]] = Counter()
    money: dict[tuple[str, str], float] = defaultdict(float)
    for p, orgs in selection.members.items():
        if len(orgs) < 2:
            continue
        yearly = 0.0
        if savings and p in facts.partnerships:
            yearly = savings_of(facts.partnerships[p]).per_year or 0.0
        for pair in combinations(sorted(orgs), 2):
            shared[pair] += 1
            if yearly:
                money[pair] += yearly
    pairs = sorted(shared.items())
    if savings:
        graph.add_edges_from(
            (a, b, {"weight": n, "savings": money.get((a, b), 0.0)}) for (a, b), n in pairs
        )
    else:
        graph.add_edges_from((a, b, {"weight": n}) for (a, b), n in pairs)
    if engine.has_igraph():
        # nodes and pairs are both sorted, so this is the copy engine.to_igraph would make
        index = {v: i for i, v in enumerate(graph)}
        edges = [(index[a], index[b]) for (a, b), _n in pairs]
        engine.attach(graph, list(graph), edges, [n for _pair, n in pairs])
    return graph


def bipartite_graph(selection: Selection) -> nx.Graph:
    """Organisations and partnerships as two kinds of node; an edge for each membership."""
    facts = selection.facts
    graph = nx.Graph(filters=selection.filters.describe())
    for iri in sorted(selection.orgs):
        org = facts.orgs.get(iri) or Org(iri, iri)
        graph.add_node(iri, bipartite=0, kind="organisation", **node_attributes(org))
    for p in sorted(selection.members):
        info = facts.partnerships.get(p)
        graph.add_node(
            p,
            bipartite=1,
            kind="partnership",
            label=info.label if info else p,
            services=[c.notation for c in info.services] if info else [],
        )
        graph.add_edges_from((o, p) for o in sorted(selection.members[p]))
    return graph


def organisation_network(
    store: Store, filters: Filters | None = None, *, savings: bool = False
) -> nx.Graph:
    """The organisation network of a store, optionally filtered."""
    facts = load(store, outcomes=savings)
    return organisation_graph(select(facts, filters or Filters()), savings=savings)
