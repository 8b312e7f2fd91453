"""Maps people share: one self-contained, safe HTML file of the organisation network.

* `data`    the analytics projection -> node, edge and partnership rows (plain text only);
* `layout`  seeded positions computed in Python for big graphs (physics off in the page);
* `page`    one HTML string with vis-network's JS and CSS inlined and the data as JSON.
"""

from kgraph.render.data import MapData, MapOptions, build
from kgraph.render.page import render_html, write_map

__all__ = ["MapData", "MapOptions", "build", "render_html", "write_map"]
