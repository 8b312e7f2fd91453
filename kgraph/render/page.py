"""One self-contained HTML page: vis-network inlined, the map's data as inert JSON.

Safety: no text from a source ever reaches HTML parsing. The data sits in a
`<script type="application/json">` block with `<`, `>` and `&` written as \\u escapes (so
`</script>` in a name cannot end the block), is read with JSON.parse, and every text is
put into the page with textContent; vis-network draws labels on the canvas, and tooltips
are our own element filled with textContent (vis-network's `title` is never used).
No request leaves the page: vis-network's JS and CSS are read from the installed pyvis
package (pyvis 0.3.2 ships vis-network 9.1.2) and inlined; there is no CDN and no Bootstrap.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from kgraph.render.data import MapData

VIS_DIR = ("templates", "lib", "vis-9.1.2")


@cache
def vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) from the installed pyvis package."""
    base = files("pyvis").joinpath(*VIS_DIR)
    js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    # an inline block ends at the first "</script" or "</style": make sure none is inside
    js = js.replace("</script", "<\\/script")
    css = css.replace("</style", "<\\/style")
    return js, css


def inert_json(value: object) -> str:
    """JSON safe inside any HTML element: no <, > or & characters at all."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_html(data: MapData) -> str:
    js, css = vis_assets()
    parts = {
        "TITLE": html.escape(data.title),
        "VIS_CSS": css,
        "PAGE_CSS": PAGE_CSS,
        "DATA": inert_json(data.as_json()),
        "PAGE_JS": PAGE_JS,
        "VIS_JS": js,
    }
    # one pass, so a placeholder inside the data or the library is never expanded
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], TEMPLATE)


def write_map(data: MapData, out: Path) -> Path:
    out = Path(out)
    out.write_text(render_html(data), encoding="utf-8")
    return out


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>@@PAGE_CSS@@</style>
</head>
<body>
<header>
  <h1 id="kg-title"></h1>
  <form id="kg-search-form" autocomplete="off">
    <input id="kg-search" type="search" placeholder="Find an organisation" list="kg-names"
      aria-label="Find an organisation">
    <datalist id="kg-names"></datalist>
    <button type="submit">Find</button>
    <span id="kg-found" role="status"></span>
  </form>
  <div id="kg-filters">
    <label>Type <select id="kg-type"><option value="">all</option></select></label>
    <label>Service area <select id="kg-service"><option value="">all</option></select></label>
    <label>Period <input id="kg-from" type="number" placeholder="from" size="5">
      &ndash; <input id="kg-to" type="number" placeholder="to" size="5"></label>
    <button id="kg-reset" type="button">Reset</button>
    <span id="kg-count"></span>
  </div>
  <ul id="kg-notes"></ul>
</header>
<main>
  <section id="kg-net-wrap"><div id="kg-net"></div>
    <div id="kg-legend"><strong>Nodes</strong><ul id="kg-legend-nodes"></ul>
      <strong>Ties by service area</strong><ul id="kg-legend-edges"></ul></div>
  </section>
  <aside>
    <pre id="kg-detail">Hover or click an organisation for its codes, partnerships,
outcomes and sources.</pre>
    <h2>Partnerships in view <span id="kg-pcount"></span></h2>
    <table id="kg-table"><thead><tr>
      <th data-key="name">Partnership</th><th data-key="services">Service area</th>
      <th data-key="region">Region</th><th data-key="start">From</th>
      <th data-key="end">To</th><th data-key="size">Members</th>
    </tr></thead><tbody></tbody></table>
    <p id="kg-more"></p>
  </aside>
</main>
<div id="kg-tip" hidden></div>
<script type="application/json" id="kg-data">@@DATA@@</script>
<script>@@VIS_JS@@</script>
<script>@@PAGE_JS@@</script>
</body>
</html>
"""

PAGE_CSS = """
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; }
header { padding: 6px 12px; border-bottom: 1px solid #ddd; }
h1 { font-size: 18px; margin: 4px 0; }
h2 { font-size: 15px; margin: 8px 0 4px; }
header form, #kg-filters { display: inline-block; margin-right: 16px; }
#kg-notes { margin: 4px 0; padding-left: 18px; color: #8a5a00; }
main { display: flex; height: calc(100vh - 110px); }
#kg-net-wrap { flex: 3; position: relative; min-width: 0; }
#kg-net { position: absolute; inset: 0; }
#kg-legend { position: absolute; left: 8px; top: 8px; background: rgba(255,255,255,.9);
  padding: 4px 8px; border: 1px solid #ddd; max-height: 45%; overflow: auto; font-size: 12px; }
#kg-legend ul { list-style: none; margin: 2px 0 6px; padding: 0; }
.kg-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  border-radius: 50%; }
aside { flex: 2; overflow: auto; padding: 0 10px; border-left: 1px solid #ddd; min-width: 0; }
#kg-detail { white-space: pre-wrap; font: 12px/1.35 ui-monospace, monospace;
  background: #f7f7f7; padding: 6px; max-height: 35%; overflow: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th { cursor: pointer; text-align: left; background: #eee; position: sticky; top: 0; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
td, th { padding: 2px 4px; border-bottom: 1px solid #eee; vertical-align: top; }
tbody tr:hover { background: #eef5ff; cursor: pointer; }
#kg-tip { position: fixed; z-index: 10; max-width: 420px; white-space: pre-wrap;
  background: #fffff0; border: 1px solid #999; padding: 6px; font-size: 12px;
  pointer-events: none; }
"""

PAGE_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var text = function (tag, value) {
    var el = document.createElement(tag); el.textContent = value; return el;
  };
  document.title = DATA.title;
  $("kg-title").textContent = DATA.title;
  DATA.notes.forEach(function (n) { $("kg-notes").appendChild(text("li", n)); });

  function legend(list, items) {
    items.forEach(function (item) {
      var li = document.createElement("li"), sw = document.createElement("span");
      sw.className = "kg-swatch"; sw.style.background = item.colour;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(
        item.label + (item.count !== undefined ? " (" + item.count + ")" : "")));
      list.appendChild(li);
    });
  }
  legend($("kg-legend-nodes"), DATA.legend);
  legend($("kg-legend-edges"), DATA.edgeLegend);

  function fill(select, values) {
    values.slice().sort().forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v;
      select.appendChild(o);
    });
  }
  var types = {}, services = {};
  DATA.nodes.forEach(function (n) { types[n.type] = 1; });
  DATA.partnerships.forEach(function (p) {
    p.services.forEach(function (s) { services[s] = 1; });
  });
  fill($("kg-type"), Object.keys(types));
  fill($("kg-service"), Object.keys(services));
  DATA.nodes.forEach(function (n) {
    var o = document.createElement("option"); o.value = n.label; $("kg-names").appendChild(o);
  });

  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var node = { id: n.id, label: n.label, size: n.size, shape: "dot",
      color: { background: n.colour, border: n.colour } };
    if (!DATA.physics) { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, value: e.weight,
      color: { color: e.colour, opacity: 0.6 } };
  }));
  var options = {
    layout: { randomSeed: DATA.seed, improvedLayout: DATA.nodes.length <= 150 },
    physics: DATA.physics
      ? { enabled: true, stabilization: { iterations: 200 } } : { enabled: false },
    interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: !DATA.physics },
    nodes: { font: { size: 12 },
      scaling: { label: { enabled: true, min: 8, max: 20, drawThreshold: 7 } } },
    edges: { smooth: false, scaling: { min: 1, max: 8 } }
  };
  var network = new vis.Network($("kg-net"), { nodes: nodes, edges: edges }, options);
  window.kgraphMap = { network: network, nodes: nodes, edges: edges, data: DATA,
    drawnAt: null, expected: DATA.nodes.length };
  network.once("afterDrawing", function () { window.kgraphMap.drawnAt = performance.now(); });
  if (DATA.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
    });
  }

  var tip = $("kg-tip");
  network.on("hoverNode", function (ev) {
    tip.textContent = DATA.nodes[ev.node].tip; tip.hidden = false;
    var p = ev.event && ev.event.center ? ev.event.center
      : { x: ev.pointer.DOM.x, y: ev.pointer.DOM.y };
    tip.style.left = (p.x + 14) + "px"; tip.style.top = (p.y + 14) + "px";
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("click", function (ev) {
    if (ev.nodes.length) { $("kg-detail").textContent = DATA.nodes[ev.nodes[0]].tip; }
  });

  // -- search -------------------------------------------------------------------------
  function fold(s) { return s.toLocaleLowerCase(); }
  $("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = fold($("kg-search").value.trim()), hit = null;
    if (q) {
      DATA.nodes.forEach(function (n) {
        if (hit !== null && fold(hit.label) === q) { return; }
        var l = fold(n.label);
        if (l === q || (hit === null && l.indexOf(q) >= 0)) { hit = n; }
      });
    }
    if (hit === null) { $("kg-found").textContent = q ? "not found" : ""; return; }
    if (hidden[hit.id]) { $("kg-reset").click(); }
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.0, animation: false });
    $("kg-found").textContent = "found: " + hit.label;
    $("kg-detail").textContent = hit.tip;
  });

  // -- filters ------------------------------------------------------------------------
  var hidden = {}, edgeHidden = {}, visibleP = [];
  function num(id) { var v = $(id).value.trim(); return v === "" ? null : parseInt(v, 10); }
  function apply() {
    var type = $("kg-type").value, service = $("kg-service").value;
    var from = num("kg-from"), to = num("kg-to");
    var any = type !== "" || service !== "" || from !== null || to !== null;
    var pOk = DATA.partnerships.map(function (p) {
      if (service !== "" && p.services.indexOf(service) < 0) { return false; }
      if (from !== null && p.end !== null && p.end < from) { return false; }
      if (to !== null && p.start !== null && p.start > to) { return false; }
      return true;
    });
    var nodeChanges = [], edgeChanges = [], shown = 0;
    DATA.nodes.forEach(function (n) {
      var ok = type === "" || n.type === type;
      if (ok && any && (service !== "" || from !== null || to !== null)) {
        ok = n.p.some(function (i) { return pOk[i]; });
      }
      if (ok) { shown++; }
      if (!!hidden[n.id] === ok) {
        hidden[n.id] = !ok; nodeChanges.push({ id: n.id, hidden: !ok });
      }
    });
    DATA.edges.forEach(function (e, i) {
      var ok = !hidden[e.from] && !hidden[e.to] && e.p.some(function (j) { return pOk[j]; });
      if (!!edgeHidden[i] === ok) { edgeHidden[i] = !ok; edgeChanges.push({ id: i, hidden: !ok }); }
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    visibleP = DATA.partnerships.filter(function (p, i) {
      return pOk[i] && p.members.some(function (m) { return !hidden[m]; });
    });
    $("kg-count").textContent = shown + " of " + DATA.nodes.length + " organisations";
    table();
  }
  ["kg-type", "kg-service", "kg-from", "kg-to"].forEach(function (id) {
    $(id).addEventListener("change", apply);
  });
  $("kg-reset").addEventListener("click", function () {
    $("kg-type").value = ""; $("kg-service").value = "";
    $("kg-from").value = ""; $("kg-to").value = ""; apply();
  });

  // -- the sortable partnership table ---------------------------------------------------
  var sortKey = "name", sortDir = 1, LIMIT = 1000;
  function cell(p, key) {
    var v = p[key];
    if (Array.isArray(v)) { return v.join(", "); }
    return v === null || v === undefined ? "" : v;
  }
  function table() {
    var rows = visibleP.slice().sort(function (a, b) {
      var x = cell(a, sortKey), y = cell(b, sortKey);
      if (x === y) { return a.id - b.id; }
      if (x === "") { return 1; } if (y === "") { return -1; }
      return (typeof x === "number" && typeof y === "number"
        ? x - y : String(x).localeCompare(String(y))) * sortDir;
    });
    var body = document.createElement("tbody");
    rows.slice(0, LIMIT).forEach(function (p) {
      var tr = document.createElement("tr");
      ["name", "services", "region", "start", "end", "size"].forEach(function (k) {
        tr.appendChild(text("td", String(cell(p, k))));
      });
      tr.addEventListener("click", function () {
        var ids = p.members.filter(function (m) { return !hidden[m]; });
        network.selectNodes(ids);
        network.fit({ nodes: ids, animation: false });
        $("kg-detail").textContent = p.name + "\n" +
          (p.services.length ? "service area: " + p.services.join(", ") + "\n" : "") +
          (p.region ? "region: " + p.region + "\n" : "") +
          "members: " + p.members.map(function (m) { return DATA.nodes[m].label; }).join("; ") +
          (p.size > p.members.length ? " (" + p.size + " in all)" : "") +
          (p.outcomes.length ? "\noutcomes: " + p.outcomes.join("; ") : "") +
          (p.sources.length ? "\nsources:\n  " + p.sources.join("\n  ") : "");
      });
      body.appendChild(tr);
    });
    var old = document.querySelector("#kg-table tbody");
    old.parentNode.replaceChild(body, old);
    $("kg-pcount").textContent = "(" + rows.length + ")";
    $("kg-more").textContent = rows.length > LIMIT
      ? "showing the first " + LIMIT + " of " + rows.length + "; sort or filter for others" : "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("#kg-table th"), function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      sortDir = key === sortKey ? -sortDir : 1; sortKey = key;
      Array.prototype.forEach.call(document.querySelectorAll("#kg-table th"), function (h) {
        h.className = h === th ? (sortDir > 0 ? "asc" : "desc") : "";
      });
      table();
    });
  });
  apply();
})();
"""
