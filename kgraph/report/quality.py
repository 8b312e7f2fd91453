"""Data-quality notes: what a reader should know before trusting the figures.

The same lists the CLI gives for review, so the report never disagrees with them:
* names not found in the register (`kgraph orgs list --review`), near misses first, with
  the register body each near miss resembles (kg:nearMiss, never merged);
* news facts the importer was unsure of and nobody has decided yet (`kgraph news review`),
  lowest confidence first.
"""

from __future__ import annotations

from typing import Any

from kgraph.analytics.selection import Selection
from kgraph.store import Store

NEAR_MISSES = """
SELECT ?org (SAMPLE(?label) AS ?like) WHERE {
  ?org kg:nearMiss ?near .
  OPTIONAL { ?near rdfs:label ?registered }
  BIND (COALESCE(?registered, STR(?near)) AS ?label)
} GROUP BY ?org
"""


def notes(store: Store, selection: Selection) -> dict[str, list[dict[str, Any]]]:
    """{"names": rows to check, "news": pending news facts}; each name says whether it
    takes part in the report's selection."""
    from kgraph.catalog import organisations
    from kgraph.news.review import facts

    near = {str(r["org"]): str(r.get("like", "")) for r in store.select(NEAR_MISSES)}
    in_view = selection.orgs
    names = []
    for row in organisations(store):
        if row["resolution"] == "register":
            continue
        iri = str(row["iri"])
        names.append({**row, "near_miss": near.get(iri, ""), "in_report": iri in in_view})
    names.sort(key=lambda r: (not r["near_miss"], not r["in_report"], str(r["name"])))
    pending = facts(store)
    pending.sort(key=lambda r: (r["confidence"] or 0, r["date"], r["title"]))
    return {"names": names, "news": pending}
