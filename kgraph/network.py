"""RDF -> networkx: the organisation network by a SPARQL projection.

An edge joins two organisations for each partnership they share (weight = how many);
literals never become nodes. The projection itself, with its filters (period, region,
service area, organisation type, source) and the bipartite view, is in
kgraph.analytics.projection; this module keeps the short names the demo and map use.
"""

from __future__ import annotations

import networkx as nx

from kgraph.analytics.projection import bipartite_graph, organisation_graph, organisation_network
from kgraph.analytics.selection import Filters

__all__ = [
    "Filters",
    "bipartite_graph",
    "organisation_graph",
    "organisation_network",
    "top_collaborators",
]


def top_collaborators(graph: nx.Graph, n: int = 5) -> list[tuple[str, int, int]]:
    """(label, partners, shared partnerships) by number of distinct partners, then ties."""
    ranked = sorted(
        graph.nodes,
        key=lambda v: (
            -graph.degree(v),
            -graph.degree(v, weight="weight"),
            graph.nodes[v]["label"],
        ),
    )
    return [
        (graph.nodes[v]["label"], graph.degree(v), graph.degree(v, weight="weight"))
        for v in ranked[:n]
    ]
