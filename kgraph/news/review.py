"""People's review of facts the news importer was unsure of (kg:needsReview true).

A decision ("confirmed" or "rejected", with when and an optional note) is stored in its own
named graph, https://w3id.org/kgraph/graph/review, keyed by the fact's IRI. Fact IRIs come
from the item's date, headline and sentence, never from the file's path, so decisions
survive re-importing (or moving) the source, and removing a source leaves them for the next
import of the same news.
"""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kgraph.errors import KgraphError
from kgraph.store import Store
from kgraph.vocab import KG, REVIEW_GRAPH

STATUSES = ("confirmed", "rejected")

FACTS = """
SELECT ?fact ?what (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?k) AS ?kind)
       (SAMPLE(?c) AS ?confidence) (SAMPLE(?s) AS ?sentence) (SAMPLE(?f) AS ?file)
       (SAMPLE(?l) AS ?line) (SAMPLE(?st) AS ?status) (SAMPLE(?amt) AS ?amount)
       (GROUP_CONCAT(DISTINCT ?orgName; separator="; ") AS ?organisations)
WHERE {
  { ?fact a kg:CollaborationEvent ; kg:needsReview true . BIND("event" AS ?what) }
  UNION
  { ?fact a kg:NewsItem ; kg:needsReview true . BIND("event" AS ?what) }
  UNION
  { ?fact a kg:Outcome ; kg:needsReview true ; kg:amountText ?amt .
    ?ev kg:hasOutcome ?fact ; a kg:NewsItem . BIND("money" AS ?what) }
  OPTIONAL { ?fact dcterms:title ?t0 }
  OPTIONAL { ?ev2 kg:hasOutcome ?fact ; dcterms:title ?t1 }
  BIND(COALESCE(?t0, ?t1) AS ?t)
  OPTIONAL { ?fact dcterms:date ?d0 }
  OPTIONAL { ?ev3 kg:hasOutcome ?fact ; dcterms:date ?d1 }
  BIND(COALESCE(?d0, ?d1) AS ?d)
  OPTIONAL { ?fact kg:collaborationKind/skos:notation ?k0 }
  OPTIONAL { ?fact kg:outcomeKind/skos:notation ?k1 }
  BIND(COALESCE(?k0, ?k1) AS ?k)
  OPTIONAL { ?fact kg:confidence ?c }
  OPTIONAL { ?fact prov:wasDerivedFrom ?rec . ?rec kg:sentence ?s .
             OPTIONAL { ?rec dcterms:isPartOf/kg:fileName ?f } OPTIONAL { ?rec kg:line ?l } }
  OPTIONAL { ?fact kg:involves/rdfs:label ?orgName }
  OPTIONAL { GRAPH <https://w3id.org/kgraph/graph/review> { ?fact kg:reviewStatus ?st } }
} GROUP BY ?fact ?what ORDER BY ?date ?title ?what
"""


def short_id(iri: str) -> str:
    """The id a person types: the last path segment of the fact's IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def facts(store: Store, *, decided: bool = False) -> list[dict[str, object]]:
    """Facts marked for review; without `decided`, only those nobody has decided yet."""
    rows = []
    for r in store.select(FACTS):
        status = str(r.get("status", ""))
        if status and not decided:
            continue
        rows.append(
            {
                "id": short_id(str(r["fact"])),
                "fact": str(r["what"]),
                "date": str(r.get("date", "")),
                "kind": str(r.get("kind", "")),
                "confidence": float(r["confidence"]) if "confidence" in r else None,
                "title": str(r.get("title", "")),
                "amount": str(r.get("amount", "")),
                "organisations": str(r.get("organisations", "")),
                "sentence": str(r.get("sentence", "")),
                "source": f"{r.get('file', '')}:{r['line']}"
                if "line" in r
                else str(r.get("file", "")),
                "status": status or "pending",
                "iri": str(r["fact"]),
            }
        )
    return rows


def find_fact(store: Store, fact_id: str) -> URIRef:
    """A fact by its id (or a unique prefix of it, or its full IRI)."""
    fact_id = fact_id.strip()
    rows = facts(store, decided=True)
    hits = [r for r in rows if fact_id in (r["id"], r["iri"])] or [
        r for r in rows if str(r["id"]).startswith(fact_id) and len(fact_id) >= 4
    ]
    if len(hits) == 1:
        return URIRef(str(hits[0]["iri"]))
    if not hits:
        raise KgraphError(f"no fact '{fact_id}' to review (kgraph news review lists them)")
    raise KgraphError(f"'{fact_id}' matches {len(hits)} facts: give more of the id")


def decide(store: Store, fact: URIRef, status: str, note: str | None = None) -> None:
    """Record a decision (replacing an earlier one) in the review graph, in one transaction."""
    if status not in STATUSES:
        raise KgraphError(f"a decision is one of {', '.join(STATUSES)}, not '{status}'")
    from kgraph.store import from_ox

    kept = [
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        for q in store.graph_quads(REVIEW_GRAPH)
        if from_ox(q.subject) != fact
    ]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    kept += [
        (fact, KG.reviewStatus, Literal(status)),
        (fact, KG.reviewedAt, Literal(now, datatype=XSD.dateTime)),
    ]
    if note:
        kept.append((fact, KG.reviewNote, Literal(note)))
    store.replace_graph(REVIEW_GRAPH, kept)


EVENTS = """
SELECT ?e (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?k) AS ?kind)
       (SAMPLE(?s) AS ?sentence) (SAMPLE(?dt) AS ?digest) (SAMPLE(?dd) AS ?digestDate)
       (SAMPLE(?c) AS ?confidence) (SAMPLE(?st) AS ?status) (SAMPLE(?f) AS ?file)
       (SAMPLE(?l) AS ?line) (GROUP_CONCAT(DISTINCT ?n; separator="; ") AS ?organisations)
WHERE {
  ?e a kg:CollaborationEvent ; dcterms:title ?t .
  FILTER (!BOUND(?org) || EXISTS { ?e kg:involves|kg:formerPartner ?org })
  OPTIONAL { ?e dcterms:date ?d }
  OPTIONAL { ?e kg:collaborationKind/skos:notation ?k }
  OPTIONAL { ?e kg:confidence ?c }
  OPTIONAL { ?e prov:wasDerivedFrom ?rec . ?rec kg:sentence ?s .
             OPTIONAL { ?rec dcterms:isPartOf/kg:fileName ?f } OPTIONAL { ?rec kg:line ?l } }
  OPTIONAL { ?e dcterms:isPartOf ?dg . ?dg dcterms:title ?dt . OPTIONAL { ?dg dcterms:date ?dd } }
  OPTIONAL { ?e kg:involves/rdfs:label ?n }
  OPTIONAL { GRAPH <https://w3id.org/kgraph/graph/review> { ?e kg:reviewStatus ?st } }
} GROUP BY ?e ORDER BY ?date ?title
"""


def events(store: Store, org: URIRef | None = None) -> list[dict[str, object]]:
    """Collaboration events, all or those involving `org`, each with sentence and digest."""
    rows = store.select(EVENTS, org=org) if org is not None else store.select(EVENTS)
    return [
        {
            "date": str(r.get("date", "")),
            "kind": str(r.get("kind", "")),
            "title": str(r.get("title", "")),
            "organisations": str(r.get("organisations", "")),
            "sentence": str(r.get("sentence", "")),
            "digest": str(r.get("digest", "")),
            "digest_date": str(r.get("digestDate", "")),
            "confidence": float(r["confidence"]) if "confidence" in r else None,
            "review": str(r.get("status", "")),
            "source": f"{r.get('file', '')}:{r['line']}" if "line" in r else str(r.get("file", "")),
            "id": short_id(str(r["e"])),
        }
        for r in rows
    ]
