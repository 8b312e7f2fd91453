"""The analytics projection -> rows a map page draws: nodes, edges, partnerships, legend.

Everything here is plain data; every text is kept as text (the page inserts it with
textContent). Sizing reuses `analytics.centrality.compute`, colouring by community reuses
`analytics.communities`, filters reuse `analytics.selection`, so the map agrees with
`kgraph central` and `kgraph communities`.

Big graphs: without --top or --org, a network above DEFAULT_TOP organisations shows the
DEFAULT_TOP most central ones with the ties among them; `notes` says what was left out
and how to see it. Above PHYSICS_LIMIT nodes the layout is computed in Python (seeded)
and the page draws with physics off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from kgraph.analytics.centrality import METRICS, compute
from kgraph.analytics.facts import Facts, Org
from kgraph.analytics.projection import organisation_graph
from kgraph.analytics.selection import Filters, Selection, partnership_spans, region_of, select

COLOUR_BY = ("type", "region", "community", "service")
DEFAULT_TOP = 500
PHYSICS_LIMIT = 300
TIP_LIST = 12  # partnerships, outcomes and sources listed in a tooltip before "... N more"
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
OTHER = "#c7c7c7"


@dataclass(frozen=True)
class MapOptions:
    filters: Filters = Filters()
    org: str | None = None  # organisation IRI for the ego view
    hops: int = 1
    top: int | None = None  # None: DEFAULT_TOP when the network is bigger; 0: everything
    colour_by: str = "type"
    size_by: str = "degree"
    seed: int = 7
    title: str = "kgraph map"


@dataclass
class MapData:
    title: str
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    partnerships: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    edge_legend: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    physics: bool = True
    seed: int = 7
    colour_by: str = "type"
    size_by: str = "degree"
    total_nodes: int = 0
    total_edges: int = 0

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "nodes": self.nodes,
            "edges": self.edges,
            "partnerships": self.partnerships,
            "legend": self.legend,
            "edgeLegend": self.edge_legend,
            "notes": self.notes,
            "physics": self.physics,
            "seed": self.seed,
            "colourBy": self.colour_by,
            "sizeBy": self.size_by,
        }


Provenance = dict[str, list[str]]  # partnership IRI -> source lines ("compendium.csv row 12")


def build(facts: Facts, options: MapOptions, provenance: Provenance | None = None) -> MapData:
    """The rows of one map; raises ValueError on an unknown metric or colouring."""
    if options.size_by not in METRICS:
        raise ValueError(f"unknown --size-by {options.size_by!r} (known: {', '.join(METRICS)})")
    if options.colour_by not in COLOUR_BY:
        raise ValueError(f"unknown --colour-by {options.colour_by!r}")
    selection = select(facts, options.filters)
    full = organisation_graph(selection)
    data = MapData(
        title=options.title,
        seed=options.seed,
        colour_by=options.colour_by,
        size_by=options.size_by,
        total_nodes=full.number_of_nodes(),
        total_edges=full.number_of_edges(),
    )
    scores = compute(full, options.size_by, seed=options.seed).values if len(full) else {}
    graph = _view(full, scores, options, data.notes)
    provenance = provenance or {}
    community = (
        _communities(selection, full, options.seed) if options.colour_by == "community" else {}
    )
    in_view = set(graph)
    shown = {p: orgs & in_view for p, orgs in selection.members.items() if orgs & in_view}
    p_index = {p: i for i, p in enumerate(sorted(shown, key=lambda p: _p_label(facts, p)))}
    org_parts: dict[str, list[str]] = defaultdict(list)
    for p in p_index:
        for o in shown[p]:
            org_parts[o].append(p)
    spans = partnership_spans(facts, selection)
    services = _service_colours(facts, p_index)

    groups: dict[str, str] = {}
    for v in graph:
        groups[v] = _group(facts, v, graph.nodes[v], options.colour_by, community, org_parts[v])
    colours = _palette(Counter(groups.values()))
    data.legend = [
        {"label": g, "colour": c, "count": n}
        for g, c, n in sorted(
            ((g, colours[g], n) for g, n in Counter(groups.values()).items()),
            key=lambda t: (-t[2], t[0]),
        )
    ]
    data.edge_legend = [{"label": s, "colour": c} for s, c in services.items()]

    values = [scores.get(v, 0.0) for v in graph]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    order = sorted(graph, key=lambda v: (graph.nodes[v].get("label", v), v))
    index = {v: i for i, v in enumerate(order)}
    for v in order:
        attrs = graph.nodes[v]
        score = scores.get(v, 0.0)
        scaled = (score - low) / (high - low) if high > low else 0.5
        parts = sorted(org_parts[v], key=lambda p: p_index[p])
        data.nodes.append(
            {
                "id": index[v],
                "label": attrs.get("label", v),
                "type": attrs.get("type_label", "unknown"),
                "group": groups[v],
                "colour": colours[groups[v]],
                "size": round(6 + 24 * scaled, 2),
                "score": round(float(score), 6),
                "p": [p_index[p] for p in parts],
                "tip": _org_tip(facts, graph, v, score, options.size_by, parts, provenance),
            }
        )
    for a, b, attrs in sorted(graph.edges(data=True), key=lambda e: (index[e[0]], index[e[1]])):
        a, b = sorted((a, b), key=index.__getitem__)
        common = sorted(set(org_parts[a]) & set(org_parts[b]), key=p_index.__getitem__)
        service = _main_service(facts, common)
        data.edges.append(
            {
                "from": index[a],
                "to": index[b],
                "weight": attrs.get("weight", 1),
                "colour": services.get(service, OTHER),
                "p": [p_index[p] for p in common],
            }
        )
    for p, i in sorted(p_index.items(), key=lambda kv: kv[1]):
        info = facts.partnerships.get(p)
        start, end = spans.get(p, (None, None))
        data.partnerships.append(
            {
                "id": i,
                "name": _p_label(facts, p),
                "services": [c.label for c in info.services] if info else [],
                "region": region_of(facts, info, selection.members[p]) if info else "",
                "start": start,
                "end": end,
                "members": sorted(index[o] for o in shown[p]),
                "size": len(selection.members[p]),
                "outcomes": _outcomes(info),
                "sources": provenance.get(p, []),
            }
        )
    data.physics = graph.number_of_nodes() <= PHYSICS_LIMIT
    if not data.physics:
        from kgraph.render.layout import positions

        where = positions(graph, seed=options.seed)
        for node, v in zip(data.nodes, order, strict=True):
            node["x"], node["y"] = where[v]
    return data


def _view(full: nx.Graph, scores: dict, options: MapOptions, notes: list[str]) -> nx.Graph:
    graph = full
    if options.org is not None:
        if options.org not in full:
            raise ValueError("the organisation has no partnerships in this selection")
        graph = nx.ego_graph(full, options.org, radius=options.hops)
        notes.append(
            f"showing {graph.number_of_nodes():,} of {full.number_of_nodes():,} organisations: "
            f"{full.nodes[options.org].get('label', options.org)} and partners within "
            f"{options.hops} hop(s); drop --org for the whole network"
        )
    top = options.top
    if top is None and options.org is None and len(full) > DEFAULT_TOP:
        top = DEFAULT_TOP
    if top and len(graph) > top:
        ranked = sorted(
            graph, key=lambda v: (-round(scores.get(v, 0.0), 9), full.nodes[v].get("label", v), v)
        )
        if options.org is not None and options.org not in ranked[:top]:
            ranked.remove(options.org)
            ranked.insert(0, options.org)
        before_n, before_e = graph.number_of_nodes(), graph.number_of_edges()
        graph = graph.subgraph(ranked[:top]).copy()
        notes.append(
            f"showing the top {top:,} of {before_n:,} organisations by {options.size_by} "
            f"and {graph.number_of_edges():,} of {before_e:,} ties among them; "
            "--top N to show more, --top 0 for all, --org NAME --hops N for one "
            "organisation's neighbourhood"
        )
    return graph


def _communities(selection: Selection, graph: nx.Graph, seed: int) -> dict[str, str]:
    from kgraph.analytics.communities import communities

    found = communities(selection, graph, seed=seed)
    out = {}
    for row in found.rows:
        services = row["services"][0].rsplit(" (", 1)[0] if row["services"] else "mixed"
        for iri in row["iris"]:
            out[iri] = f"community {row['community']}: {services}"
    return out


def _group(facts: Facts, v: str, attrs: dict, by: str, community: dict, parts: list[str]) -> str:
    if by == "type":
        return attrs.get("type_label") or "unknown"
    if by == "region":
        return attrs.get("region_label") or "(no region)"
    if by == "community":
        return community.get(v, "") or "(no community)"
    return _main_service(facts, parts) or "(no service area)"


def _main_service(facts: Facts, partnerships: list[str]) -> str:
    counts: Counter[str] = Counter()
    for p in partnerships:
        info = facts.partnerships.get(p)
        for c in info.services if info else ():
            counts[c.label] += 1
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _service_colours(facts: Facts, partnerships: dict[str, int]) -> dict[str, str]:
    counts: Counter[str] = Counter()
    for p in partnerships:
        info = facts.partnerships.get(p)
        for c in info.services if info else ():
            counts[c.label] += 1
    return _palette(counts)


def _palette(counts: Counter[str]) -> dict[str, str]:
    ordered = sorted(counts, key=lambda g: (-counts[g], g))
    return {g: PALETTE[i] if i < len(PALETTE) else OTHER for i, g in enumerate(ordered)}


def _p_label(facts: Facts, p: str) -> str:
    info = facts.partnerships.get(p)
    return info.label if info else p


def _outcomes(info: object) -> list[str]:
    out = []
    for o in getattr(info, "outcomes", ()):
        text = o.kind.replace("-", " ")
        if o.amount is not None:
            text += f" £{o.amount:,.0f}" + (f" per {o.per}" if o.per else "")
        out.append(text)
    return out


def _org_tip(
    facts: Facts,
    graph: nx.Graph,
    v: str,
    score: float,
    metric: str,
    parts: list[str],
    provenance: Provenance,
) -> str:
    org = facts.orgs.get(v) or Org(v, v)
    codes = [f"GSS {org.gss}"] if org.gss else []
    codes.append(v.rsplit("/org/", 1)[-1] if "/org/" in v else v)
    lines = [
        org.label,
        f"{org.type.label}" + (f", {org.region.label}" if org.region else ""),
        "codes: " + "; ".join(codes),
        f"{metric}: {score:.4g}; {graph.degree(v)} partners in view",
        f"partnerships ({len(parts)}), each with its outcomes and sources:",
    ]
    for p in parts[:TIP_LIST]:
        lines.append(f"  {_p_label(facts, p)}")
        lines += [f"    outcome: {text}" for text in _outcomes(facts.partnerships.get(p))]
        lines += [f"    source: {text}" for text in _few(provenance.get(p, []), 3)]
    if len(parts) > TIP_LIST:
        lines.append(f"  ... {len(parts) - TIP_LIST} more (in the table)")
    return "\n".join(lines)


def _few(lines: list[str], limit: int = TIP_LIST) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"... {len(lines) - limit} more"]


PROVENANCE = """
SELECT DISTINCT ?p ?file ?line ?id ?title ?date WHERE {
  {
    ?p a org:OrganizationalCollaboration ; prov:wasDerivedFrom ?r .
    ?r dcterms:isPartOf ?src . ?src kg:fileName ?file .
    OPTIONAL { ?r kg:line ?line } OPTIONAL { ?r dcterms:identifier ?id }
  } UNION {
    ?e a kg:CollaborationEvent ; kg:concerns ?p ; dcterms:title ?title .
    OPTIONAL { ?e dcterms:date ?date }
    BIND("news" AS ?file)
  } UNION {
    ?obs kg:aboutPartnership ?p ; qb:dataSet ?ds .
    OPTIONAL { ?ds dcterms:title ?title }
    BIND("survey" AS ?file)
  }
}
"""


def provenance(store: object) -> Provenance:
    """Partnership -> where it was read: compendium record, digest headline and date, survey."""
    from kgraph.analytics.facts import _strings

    found: dict[str, set[str]] = defaultdict(set)
    for row in _strings(store, PROVENANCE):  # type: ignore[arg-type]
        file = row.get("file", "")
        if file == "news":
            date = f" ({row['date']})" if row.get("date") else ""
            found[row["p"]].add(f"news: {row.get('title', '')}{date}")
        elif file == "survey":
            found[row["p"]].add(f"survey: {row.get('title', 'untitled')}")
        else:
            where = f" row {row['line']}" if row.get("line") else ""
            ident = f" ({row['id']})" if row.get("id") else ""
            found[row["p"]].add(f"{file}{where}{ident}")
    return {p: sorted(lines) for p, lines in found.items()}
