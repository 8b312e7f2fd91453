"""A plain pyvis map of the organisation network (the rendering issue replaces it).

Names come from sources and are never markup. vis-network draws labels on the canvas and
shows string tooltips as text, and pyvis' `tojson` escapes them for the script context; but
pyvis switches to raw-HTML tooltips when any title contains "href", so that word is broken.
Nodes and edges are filled in bulk (pyvis' add_edge is quadratic) and the layout is seeded.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx

COLOURS = {
    "local-authority": "#1f77b4",
    "combined-authority": "#17becf",
    "police-force": "#d62728",
    "fire-and-rescue": "#ff7f0e",
    "health-board": "#2ca02c",
    "nhs-trust": "#2ca02c",
    "hsc-trust": "#2ca02c",
    "company": "#9467bd",
    "third-sector": "#8c564b",
    "central-government": "#7f7f7f",
}


def write_map(graph: nx.Graph, out: Path, title: str = "kgraph demo") -> Path:
    from pyvis.network import Network

    net = Network(height="800px", width="100%", cdn_resources="in_line", heading="")
    biggest = max((graph.degree(v) for v in graph), default=1) or 1
    net.nodes = [
        {
            "id": node,
            "label": data["label"],
            "title": _text(
                f"{data['label']} ({data['type']}"
                + (f", {data['gss']}" if data.get("gss") else "")
                + f"): {graph.degree(node)} partners"
            ),
            "color": COLOURS.get(data["type"], "#bcbd22"),
            "size": 8 + 30 * graph.degree(node) / biggest,
            "shape": "dot",
        }
        for node, data in graph.nodes(data=True)
    ]
    net.edges = [
        {"from": a, "to": b, "value": d["weight"], "title": f"{d['weight']} shared partnerships"}
        for a, b, d in graph.edges(data=True)
    ]
    net.set_options(
        '{"layout": {"randomSeed": 7}, "physics": {"stabilization": {"iterations": 200}},'
        ' "interaction": {"hover": true}}'
    )
    page = net.generate_html(name=out.name)
    page = page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
    out.write_text(page, encoding="utf-8")
    return out


def _text(value: str) -> str:
    """Keep pyvis on its plain-text tooltip path (it turns to innerHTML on "href")."""
    return re.sub("href", "hr\u200bef", value, flags=re.IGNORECASE)
