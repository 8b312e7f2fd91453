"""RDF -> networkx: the organisation network by a SPARQL projection.

An edge joins two organisations for each partnership they share (weight = how many);
literals never become nodes. The analytics issue extends this with filters.
"""

from __future__ import annotations

import networkx as nx

from kgraph.store import Store

EDGES = """
SELECT ?a ?b (COUNT(DISTINCT ?p) AS ?weight) WHERE {
  ?p a org:OrganizationalCollaboration ; org:hasMember ?a, ?b .
  FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b
"""

NODES = """
SELECT ?org (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) (SAMPLE(?gss) AS ?code) WHERE {
  ?p a org:OrganizationalCollaboration ; org:hasMember ?org .
  ?org rdfs:label ?l .
  OPTIONAL { ?org kg:orgType/skos:notation ?t }
  OPTIONAL { ?org kg:gssCode ?gss }
} GROUP BY ?org
"""


def organisation_network(store: Store) -> nx.Graph:
    graph = nx.Graph()
    for row in store.select(NODES):
        graph.add_node(
            str(row["org"]),
            label=str(row.get("label", "")),
            type=str(row.get("type", "unknown")),
            gss=str(row.get("code", "")),
        )
    for row in store.select(EDGES):
        graph.add_edge(str(row["a"]), str(row["b"]), weight=int(row["weight"]))
    return graph


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
