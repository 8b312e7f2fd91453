"""What analytics needs from the store, read once with a few SPARQL queries.

Memberships come with the years of their `org:memberDuring` interval (every instant carries
`time:inXSDgYear`), so periods are applied in Python and one read serves both periods of
`kgraph shifts`. The union default graph repeats a triple once per source that holds it,
so every query asks for DISTINCT rows and every value is picked deterministically.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kgraph.store import Store
from kgraph.vocab import PREFIXES

SCHEMES = {
    "https://w3id.org/kgraph/ns#Regions": "region",
    "https://w3id.org/kgraph/ns#ServiceAreas": "service",
    "https://w3id.org/kgraph/ns#OrganisationTypes": "orgtype",
    "https://w3id.org/kgraph/ns#Sectors": "sector",
    "https://w3id.org/kgraph/ns#OutcomeKinds": "outcome",
}

CONCEPTS = """
SELECT DISTINCT ?c ?scheme ?prop ?text WHERE {
  VALUES ?scheme { kg:Regions kg:ServiceAreas kg:OrganisationTypes kg:Sectors kg:OutcomeKinds }
  ?c skos:inScheme ?scheme .
  VALUES ?prop { skos:notation skos:prefLabel skos:altLabel rdfs:label }
  ?c ?prop ?text .
}
"""

RELATIONS = """
SELECT DISTINCT ?c ?rel ?other WHERE {
  VALUES ?rel { skos:broader skos:narrower kg:sector }
  ?c ?rel ?other .
}
"""

ORGS = """
SELECT DISTINCT ?o ?label ?type ?region ?gss WHERE {
  ?o a org:Organization .
  OPTIONAL { ?o rdfs:label ?label }
  OPTIONAL { ?o kg:orgType ?type }
  OPTIONAL { ?o kg:region ?region }
  OPTIONAL { ?o kg:gssCode ?gss }
}
"""

PARTNERSHIPS = """
SELECT DISTINCT ?p ?label ?service ?region WHERE {
  ?p a org:OrganizationalCollaboration .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p kg:serviceArea ?service }
  OPTIONAL { ?p kg:region ?region }
}
"""

# Memberships are read as single-pattern scans joined in Python: on the on-disk store the
# one-query join (membership -> interval -> instant -> year) took 6 s for 50,000 memberships,
# these scans 2 s.
HAS_MEMBER = "SELECT ?g ?p ?o WHERE { GRAPH ?g { ?p org:hasMember ?o } }"
MEMBER_OF = "SELECT ?g ?m ?o WHERE { GRAPH ?g { ?m org:member ?o } }"
ORGANIZATION_OF = "SELECT ?m ?p WHERE { ?m org:organization ?p }"
DURING = "SELECT ?m ?i WHERE { ?m org:memberDuring ?i }"
BEGINS = "SELECT ?i ?t WHERE { ?i time:hasBeginning ?t }"
ENDS = "SELECT ?i ?t WHERE { ?i time:hasEnd ?t }"
YEARS = "SELECT ?t ?y WHERE { ?t time:inXSDgYear ?y }"

OUTCOMES = """
SELECT DISTINCT ?p ?x ?kind ?amount ?per WHERE {
  ?p a org:OrganizationalCollaboration ; kg:hasOutcome ?x .
  OPTIONAL { ?x kg:outcomeKind ?kind }
  OPTIONAL { ?x kg:amountGBP ?amount }
  OPTIONAL { ?x kg:amountPer ?per }
}
"""

# A person's "rejected" in `kgraph news review` takes a fact out of the analyses: an
# outcome rejected itself, and a partnership that only rejected news events stand behind
# (no event concerning it is still standing, and no compendium or survey row states it).
REJECTED_PARTNERSHIPS = """
SELECT DISTINCT ?p WHERE {
  ?e kg:concerns ?p .
  GRAPH <https://w3id.org/kgraph/graph/review> { ?e kg:reviewStatus "rejected" }
  FILTER NOT EXISTS {
    ?other kg:concerns ?p .
    FILTER NOT EXISTS {
      GRAPH <https://w3id.org/kgraph/graph/review> { ?other kg:reviewStatus "rejected" }
    }
  }
  FILTER NOT EXISTS {
    ?p prov:wasDerivedFrom/dcterms:isPartOf/kg:importer ?importer .
    FILTER (?importer != "news")
  }
}
"""
REJECTED_FACTS = """
SELECT DISTINCT ?x WHERE {
  GRAPH <https://w3id.org/kgraph/graph/review> { ?x kg:reviewStatus "rejected" }
}
"""

SOURCES = """
SELECT DISTINCT ?g ?file ?path ?sha WHERE {
  ?g a kg:Source ; kg:fileName ?file .
  OPTIONAL { ?g kg:filePath ?path } OPTIONAL { ?g kg:sha256 ?sha }
}
"""

YEAR = re.compile(r"^(-?\d{4,})")


@dataclass(frozen=True)
class Concept:
    """A SKOS concept as analytics shows it: its short code and its label."""

    iri: str
    notation: str
    label: str


UNKNOWN_TYPE = Concept("", "unknown", "unknown")
UNKNOWN_SECTOR = Concept("", "unknown", "unknown")


@dataclass(frozen=True)
class Org:
    iri: str
    label: str
    type: Concept = UNKNOWN_TYPE
    sector: Concept = UNKNOWN_SECTOR
    region: Concept | None = None
    gss: str = ""


@dataclass(frozen=True)
class OutcomeFact:
    kind: str  # notation of the outcome kind, e.g. "saving"
    amount: float | None = None  # GBP
    per: str | None = None  # "year", "month", or None: one-off or not stated


@dataclass(frozen=True)
class Partnership:
    iri: str
    label: str
    services: tuple[Concept, ...] = ()
    region: Concept | None = None
    outcomes: tuple[OutcomeFact, ...] = ()


@dataclass(frozen=True)
class Membership:
    """An organisation in a partnership from `start` to `end` (years; None = open)."""

    partnership: str
    org: str
    start: int | None = None
    end: int | None = None
    sources: frozenset[str] = frozenset()  # graphs (sources) that state it


@dataclass(frozen=True)
class SourceInfo:
    graph: str
    file: str
    path: str = ""
    sha256: str = ""


@dataclass
class Facts:
    """Everything the analyses use, as plain Python values keyed by IRI strings."""

    orgs: dict[str, Org] = field(default_factory=dict)
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    concepts: dict[str, Concept] = field(default_factory=dict)
    scheme: dict[str, str] = field(default_factory=dict)  # concept -> "region", "service", ...
    texts: dict[str, set[str]] = field(default_factory=dict)  # concept -> notation and labels
    broader: dict[str, set[str]] = field(default_factory=dict)  # concept -> broader concepts
    sources: list[SourceInfo] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        orgs: list[Org],
        partnerships: list[Partnership],
        memberships: list[Membership],
        concepts: list[tuple[Concept, str]] = (),  # type: ignore[assignment]
        broader: dict[str, set[str]] | None = None,
        sources: list[SourceInfo] = (),  # type: ignore[assignment]
    ) -> Facts:
        """Facts made by hand (tests, benchmarks): concepts as (concept, scheme) pairs; the
        concepts the organisations and partnerships use are added to their schemes."""
        facts = cls(
            orgs={o.iri: o for o in orgs},
            partnerships={p.iri: p for p in partnerships},
            memberships=list(memberships),
            broader=dict(broader or {}),
            sources=list(sources),
        )
        used = [(c, "orgtype") for o in orgs for c in (o.type,) if c.iri]
        used += [(o.sector, "sector") for o in orgs if o.sector.iri]
        used += [(o.region, "region") for o in orgs if o.region]
        used += [(c, "service") for p in partnerships for c in p.services]
        used += [(p.region, "region") for p in partnerships if p.region]
        for concept, scheme in [*concepts, *used]:
            if concept.iri in facts.concepts:
                continue
            facts.concepts[concept.iri] = concept
            facts.scheme[concept.iri] = scheme
            facts.texts[concept.iri] = {concept.notation, concept.label}
        return facts


def load(store: Store, *, outcomes: bool = False, cache: bool = True) -> Facts:
    """Organisations, partnerships, memberships (and outcomes if asked) of the store.

    On an embedded store the answer is kept in `<store>/cache` while the store is unchanged
    (kgraph.analytics.facts_cache); `cache=False` reads the store itself.
    """
    inner, folder = getattr(store, "ox", None), getattr(store, "path", None)
    if cache and isinstance(inner, ox.Store) and folder is not None:
        from pathlib import Path

        from kgraph.analytics import facts_cache

        key = facts_cache.state_key(inner, outcomes) if facts_cache.enabled() else None
        if key is not None:
            kept = Path(folder) / "cache"
            found = facts_cache.read(kept, key)
            if found is None:
                found = read_store(store, outcomes=outcomes)
                facts_cache.write(kept, key, found)
            return found
    return read_store(store, outcomes=outcomes)


def read_store(store: Store, *, outcomes: bool = False) -> Facts:
    """Read the facts with a few queries (see the module docstring)."""
    facts = Facts()
    _load_concepts(store, facts)
    sector_of = _relations(store, facts)
    _load_orgs(store, facts, sector_of)
    found_outcomes = _load_outcomes(store) if outcomes else {}
    _load_partnerships(store, facts, found_outcomes)
    _load_memberships(store, facts)
    facts.sources = [
        SourceInfo(r["g"], r["file"], r.get("path", ""), r.get("sha", ""))
        for r in _strings(store, SOURCES)
    ]
    return facts


def _strings(store: Store, query: str) -> list[dict[str, str]]:
    """SELECT rows as plain strings (IRIs and literal values): all analytics needs.

    On the embedded store this reads pyoxigraph's terms directly, about twice as fast as
    `Store.select`, which builds rdflib terms; any other store goes through `select`.
    """
    inner = getattr(store, "ox", None)
    if not isinstance(inner, ox.Store):
        return [{k: str(v) for k, v in row.items()} for row in store.select(query)]
    solutions = inner.query(query, prefixes=PREFIXES, **store.scope())
    names = [v.value for v in solutions.variables]
    return [
        {name: term.value for name, term in zip(names, solution, strict=True) if term is not None}
        for solution in solutions
    ]


def _load_concepts(store: Store, facts: Facts) -> None:
    notation: dict[str, set[str]] = defaultdict(set)
    pref: dict[str, set[str]] = defaultdict(set)
    for row in _strings(store, CONCEPTS):
        c, prop, text = row["c"], row["prop"], row["text"]
        facts.scheme.setdefault(c, SCHEMES[row["scheme"]])
        facts.texts.setdefault(c, set()).add(text)
        if prop.endswith("#notation"):
            notation[c].add(text)
        elif prop.endswith("#prefLabel"):
            pref[c].add(text)
    for c, texts in facts.texts.items():
        code = min(notation[c]) if notation[c] else _tail(c)
        label = min(pref[c]) if pref[c] else min(texts)
        facts.concepts[c] = Concept(c, code, label)


def _relations(store: Store, facts: Facts) -> dict[str, str]:
    sector_of: dict[str, str] = {}
    for row in _strings(store, RELATIONS):
        c, rel, other = row["c"], row["rel"], row["other"]
        if rel.endswith("#broader"):
            facts.broader.setdefault(c, set()).add(other)
        elif rel.endswith("#narrower"):
            facts.broader.setdefault(other, set()).add(c)
        else:
            sector_of[c] = min(sector_of.get(c, other), other)
    return sector_of


def concept(facts: Facts, iri: object) -> Concept:
    key = str(iri)
    return facts.concepts.get(key) or Concept(key, _tail(key), _tail(key).replace("-", " "))


def _load_orgs(store: Store, facts: Facts, sector_of: dict[str, str]) -> None:
    rows: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _strings(store, ORGS):
        values = rows[row["o"]]
        for key in ("label", "type", "region", "gss"):
            if key in row:
                values[key].add(row[key])
    for iri, values in rows.items():
        types = sorted(values["type"], key=lambda t: (t.endswith("/unknown"), t))
        org_type = concept(facts, types[0]) if types else UNKNOWN_TYPE
        sector = sector_of.get(types[0]) if types else None
        facts.orgs[iri] = Org(
            iri=iri,
            label=min(values["label"]) if values["label"] else _tail(iri),
            type=org_type,
            sector=concept(facts, sector) if sector else UNKNOWN_SECTOR,
            region=concept(facts, min(values["region"])) if values["region"] else None,
            gss=min(values["gss"]) if values["gss"] else "",
        )


def _load_outcomes(store: Store) -> dict[str, list[OutcomeFact]]:
    found: dict[str, dict[str, OutcomeFact]] = defaultdict(dict)
    rejected = {row["x"] for row in _strings(store, REJECTED_FACTS)}
    for row in _strings(store, OUTCOMES):
        if row["x"] in rejected:
            continue
        kind = _tail(row["kind"]) if "kind" in row else "unknown"
        amount = float(row["amount"]) if "amount" in row else None
        per = row.get("per")
        found[row["p"]].setdefault(row["x"], OutcomeFact(kind, amount, per))
    return {p: [by_iri[x] for x in sorted(by_iri)] for p, by_iri in found.items()}


def _load_partnerships(store: Store, facts: Facts, outcomes: dict[str, list[OutcomeFact]]) -> None:
    rows: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rejected = {row["p"] for row in _strings(store, REJECTED_PARTNERSHIPS)}
    for row in _strings(store, PARTNERSHIPS):
        if row["p"] in rejected:
            continue
        values = rows[row["p"]]
        for key in ("label", "service", "region"):
            if key in row:
                values[key].add(row[key])
    for iri, values in rows.items():
        services = sorted((concept(facts, s) for s in values["service"]), key=lambda c: c.label)
        facts.partnerships[iri] = Partnership(
            iri=iri,
            label=min(values["label"]) if values["label"] else _tail(iri),
            services=tuple(services),
            region=concept(facts, min(values["region"])) if values["region"] else None,
            outcomes=tuple(outcomes.get(iri, ())),
        )


def _load_memberships(store: Store, facts: Facts) -> None:
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _strings(store, HAS_MEMBER):
        if row["p"] in facts.partnerships:
            pairs[row["p"], row["o"]].add(row["g"])
    member: dict[str, str] = {}
    stated_in: dict[str, set[str]] = defaultdict(set)
    for row in _strings(store, MEMBER_OF):
        member[row["m"]] = row["o"]
        stated_in[row["m"]].add(row["g"])
    during = _pairs(store, DURING, "m", "i")
    years = {t: _year(y) for t, ys in _pairs(store, YEARS, "t", "y").items() for y in ys}
    begins, ends = _pairs(store, BEGINS, "i", "t"), _pairs(store, ENDS, "i", "t")
    spans: dict[tuple[str, str, str], tuple[int | None, int | None, frozenset[str]]] = {}
    for m, partnerships in _pairs(store, ORGANIZATION_OF, "m", "p").items():
        o = member.get(m)
        for p in partnerships:
            if o is None or p not in facts.partnerships:
                continue
            intervals = during.get(m, set())
            starts = [years.get(t) for i in intervals for t in begins.get(i, ())]
            finishes = [years.get(t) for i in intervals for t in ends.get(i, ())]
            # the widest reading when sources disagree about the same membership
            start = None if not starts or None in starts else min(starts)
            end = None if not finishes or None in finishes else max(finishes)
            spans[p, o, m] = (start, end, frozenset(pairs.get((p, o)) or stated_in[m]))
    dated = {(p, o) for p, o, _m in spans}
    for (p, o), graphs in pairs.items():
        if (p, o) not in dated:  # no membership node: a member throughout
            spans[p, o, ""] = (None, None, frozenset(graphs))
    for (p, o, _m), (start, end, graphs) in sorted(spans.items()):
        if o not in facts.orgs:
            facts.orgs[o] = Org(o, _tail(o))
        facts.memberships.append(Membership(p, o, start, end, graphs))


def _pairs(store: Store, query: str, key: str, value: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in _strings(store, query):
        out[row[key]].add(row[value])
    return out


def _year(value: object) -> int | None:
    if value is None:
        return None
    match = YEAR.match(str(value))
    return int(match.group(1)) if match else None


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
