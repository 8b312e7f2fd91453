"""What is in the store: sources and organisations as plain rows for the CLI."""

from __future__ import annotations

from rdflib import URIRef

from kgraph.errors import KgraphError
from kgraph.store import Store

SOURCES = """
SELECT ?g ?file ?path ?sha ?importer ?version ?records ?rejects ?triples ?ended WHERE {
  ?g a kg:Source ; kg:fileName ?file ; kg:filePath ?path ; kg:sha256 ?sha ;
     kg:importer ?importer ; kg:importerVersion ?version ; kg:recordCount ?records ;
     kg:rejectCount ?rejects ; kg:tripleCount ?triples .
  OPTIONAL { ?g prov:wasGeneratedBy/prov:endedAtTime ?ended }
} ORDER BY ?file ?path
"""

ORGS = """
SELECT ?org (SAMPLE(?label) AS ?name) (SAMPLE(?typeLabel) AS ?type) (SAMPLE(?gss) AS ?gss)
       (SAMPLE(?res) AS ?resolution) (COUNT(DISTINCT ?p) AS ?partnerships)
       (COUNT(DISTINCT ?g) AS ?sources)
WHERE {
  ?org a org:Organization ; rdfs:label ?label .
  OPTIONAL { ?org kg:orgType/skos:prefLabel ?typeLabel }
  OPTIONAL { ?org kg:gssCode ?gss }
  OPTIONAL { ?org kg:resolution ?res }
  OPTIONAL { ?p org:hasMember ?org }
  OPTIONAL { GRAPH ?g { ?org a org:Organization } }
} GROUP BY ?org ORDER BY DESC(?partnerships) ?name
"""


def sources(store: Store) -> list[dict[str, object]]:
    rows = []
    for r in store.select(SOURCES):
        rows.append(
            {
                "source": str(r["file"]),
                "path": str(r["path"]),
                "importer": f"{r['importer']} {r['version']}".strip(),
                "records": int(r["records"]),
                "rejects": int(r["rejects"]),
                "triples": int(r["triples"]),
                "imported": str(r.get("ended", "")),
                "sha256": str(r["sha"]),
                "graph": str(r["g"]),
            }
        )
    return rows


def find_source(store: Store, what: str) -> dict[str, object]:
    """A source by file name, path, graph IRI or checksum prefix; exactly one must match."""
    rows = sources(store)
    exact = [
        r
        for r in rows
        if what in (r["source"], r["path"], r["graph"]) or str(r["sha256"]).startswith(what)
    ]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        known = ", ".join(str(r["source"]) for r in rows) or "none"
        raise KgraphError(f"no source '{what}' in the store (sources: {known})")
    paths = ", ".join(str(r["path"]) for r in exact)
    raise KgraphError(f"'{what}' names several sources ({paths}): give the full path")


def organisations(store: Store) -> list[dict[str, object]]:
    return [
        {
            "name": str(r.get("name", "")),
            "type": str(r.get("type", "")),
            "gss": str(r.get("gss", "")),
            "partnerships": int(r["partnerships"]),
            "sources": int(r["sources"]),
            "resolution": str(r.get("resolution", "")),
            "iri": str(r["org"]),
        }
        for r in store.select(ORGS)
    ]


FACTS = """
SELECT ?p ?v ?file WHERE {
  GRAPH ?g { ?org ?p ?v }
  OPTIONAL { ?g kg:fileName ?file }
}
"""

MEMBERSHIPS = """
SELECT ?p ?title ?kind ?role ?start ?end ?file ?line WHERE {
  ?m org:member ?org ; org:organization ?p .
  ?p rdfs:label ?title .
  OPTIONAL { ?p kg:collaborationKind/skos:prefLabel ?kind }
  OPTIONAL { ?m org:role/skos:prefLabel ?role }
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/time:inXSDgYear ?start }
  OPTIONAL { ?m org:memberDuring/time:hasEnd/time:inXSDgYear ?end }
  OPTIONAL { ?m prov:wasDerivedFrom ?rec .
             ?rec dcterms:isPartOf/kg:fileName ?file . OPTIONAL { ?rec kg:line ?line } }
} ORDER BY ?start ?title
"""


def organisation(store: Store, iri: URIRef) -> dict[str, object]:
    """Everything the store says of one organisation, each fact with the source it came from."""
    facts: dict[str, list[tuple[str, str]]] = {}
    for r in store.select(FACTS, org=iri):
        key = str(r["p"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        facts.setdefault(key, []).append((_label(store, r["v"]), str(r.get("file", ""))))
    partnerships = [
        {
            "partnership": str(r["title"]),
            "kind": str(r.get("kind", "")),
            "role": str(r.get("role", "")),
            "start": str(r.get("start", "")),
            "end": str(r.get("end", "")),
            "source": f"{r.get('file', '')}:{r['line']}" if "line" in r else str(r.get("file", "")),
        }
        for r in store.select(MEMBERSHIPS, org=iri)
    ]
    from kgraph.news.review import events

    return {
        "iri": str(iri),
        "facts": facts,
        "partnerships": partnerships,
        "events": events(store, iri),
    }


def _label(store: Store, value: object) -> str:
    if isinstance(value, URIRef):
        rows = store.select("SELECT ?l WHERE { ?x skos:prefLabel|rdfs:label ?l } LIMIT 1", x=value)
        return str(rows[0]["l"]) if rows else str(value)
    return str(value)


def find_organisation(store: Store, name: str) -> URIRef:
    """By register resolution first, then by any label the store holds (case-insensitive)."""
    from kgraph.resolve import Resolver
    from kgraph.vocab import org_iri

    try:
        res = Resolver.default().resolve(name)
    except ValueError:
        raise KgraphError("give an organisation name") from None
    iri = org_iri(res.org.id)
    if store.ask("ASK { ?o a org:Organization }", o=iri):
        return iri
    rows = store.select(
        "SELECT DISTINCT ?o WHERE { ?o a org:Organization ; rdfs:label|skos:altLabel ?l . "
        "FILTER(LCASE(STR(?l)) = LCASE(?name)) }",
        name=name,
    )
    if len(rows) == 1:
        return URIRef(rows[0]["o"])
    if res.org.in_register:
        raise KgraphError(f"{res.org.name} is in the register but in no imported source")
    hint = f" ({res.note})" if res.note else ""
    raise KgraphError(f"no organisation called '{name}' in the store{hint}")
