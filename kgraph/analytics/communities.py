"""Communities of organisations (Louvain, weighted by shared partnerships).

Each community is described by its members (most partners first), the service areas of
the partnerships inside it (two or more of its members take part), and its members'
regions. Organisations without partners in the selection form no community and are
counted apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from kgraph.analytics import engine
from kgraph.analytics.projection import organisation_graph
from kgraph.analytics.selection import Selection

TOP_SERVICES = 3


@dataclass
class Communities:
    rows: list[dict[str, object]] = field(default_factory=list)
    modularity: float = 0.0
    alone: int = 0  # organisations in communities smaller than min_size


def communities(
    selection: Selection,
    graph: nx.Graph | None = None,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    min_size: int = 2,
) -> Communities:
    graph = organisation_graph(selection) if graph is None else graph
    found = engine.louvain(graph, seed=seed, resolution=resolution)
    result = Communities(modularity=round(engine.modularity(graph, found), 6))
    where = {v: i for i, members in enumerate(found) for v in members}
    services: list[Counter[str]] = [Counter() for _ in found]
    inside: Counter[int] = Counter()
    for p, orgs in selection.members.items():
        info = selection.facts.partnerships.get(p)
        for i, n in Counter(where[o] for o in orgs if o in where).items():
            if n < 2:
                continue
            inside[i] += 1
            for service in info.services if info else ():
                services[i][service.label] += 1
    number = 0
    for i, members in enumerate(found):
        if len(members) < min_size:
            result.alone += len(members)
            continue
        number += 1
        ordered = sorted(members, key=lambda v: (-graph.degree(v), graph.nodes[v]["label"]))
        regions = Counter(graph.nodes[v].get("region_label") or "(no region)" for v in members)
        result.rows.append(
            {
                "community": number,
                "size": len(members),
                "partnerships": inside[i],
                "services": [f"{s} ({n})" for s, n in _top(services[i], TOP_SERVICES)],
                "regions": [f"{r} ({n})" for r, n in _top(regions, TOP_SERVICES)],
                "members": [graph.nodes[v]["label"] for v in ordered],
                "service_counts": dict(_top(services[i], None)),
                "iris": ordered,
            }
        )
    return result


def _top(counts: Counter[str], n: int | None) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked if n is None else ranked[:n]
