"""The ontology and shapes parse, declare every kg: term the code uses; the schemes are sound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import OWL, SKOS

from kgraph import concepts
from kgraph.records import OUTCOME_KINDS
from kgraph.vocab import KG, SCHEME

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
KG_NS = str(KG._NS)
DECLARING_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme}
SCHEME_TERMS = {
    "orgtype": KG.OrganisationTypes,
    "sector": KG.Sectors,
    "service": KG.ServiceAreas,
    "region": KG.Regions,
    "collaboration": KG.CollaborationKinds,
    "outcome": KG.OutcomeKinds,
    "role": KG.MemberRoles,
    "measure": KG.SurveyMeasures,
    "position": KG.ScalePositions,
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def kg_terms() -> list[str]:
    return sorted(name for name in KG.__annotations__ if not name.startswith("_"))


def declared(onto: Graph) -> set[URIRef]:
    return {
        s
        for s, o in onto.subject_objects(RDF.type)
        if o in DECLARING_TYPES and str(s).startswith(KG_NS)
    }


def test_both_files_parse(onto: Graph, shapes: Graph) -> None:
    assert len(onto) > 500
    assert len(shapes) > 50
    ontology = URIRef("https://w3id.org/kgraph/ns")
    assert (ontology, RDF.type, OWL.Ontology) in onto
    assert str(onto.value(ontology, OWL.versionInfo)) == "0.1.0"
    for prop in ("title", "description", "license"):
        assert onto.value(ontology, URIRef("http://purl.org/dc/terms/" + prop)) is not None


def test_concepts_module_reads_the_same_file(onto: Graph) -> None:
    # parsed by Oxigraph (fast), it must hold exactly the triples rdflib's parser reads
    assert set(concepts.ontology_graph()) == set(onto)
    assert len(concepts.ontology_triples()) == len(onto)


@pytest.mark.parametrize("name", kg_terms())
def test_every_vocab_term_is_declared_with_a_label(onto: Graph, name: str) -> None:
    term = KG[name]
    types = set(onto.objects(term, RDF.type))
    assert types & DECLARING_TYPES, f"kg:{name} is not declared in ontology/kgraph.ttl"
    assert onto.value(term, RDFS.label) or onto.value(term, SKOS.prefLabel), f"kg:{name}: label"
    assert onto.value(term, RDFS.comment) or onto.value(term, SKOS.definition), f"kg:{name}"


def test_ontology_declares_nothing_the_vocab_lacks(onto: Graph) -> None:
    extra = {str(t)[len(KG_NS) :] for t in declared(onto)} - set(kg_terms())
    assert not extra, f"declared in kgraph.ttl but missing from kgraph/vocab.py: {extra}"


def test_every_kg_iri_the_ontology_uses_is_declared(onto: Graph) -> None:
    used = {n for t in onto for n in t if isinstance(n, URIRef) and str(n).startswith(KG_NS)}
    assert used <= declared(onto), used - declared(onto)


def test_every_concept_has_label_notation_and_scheme(onto: Graph) -> None:
    found = 0
    for c in onto.subjects(RDF.type, SKOS.Concept):
        found += 1
        scheme_name, _, notation = str(c)[len(str(SCHEME)) :].partition("/")
        pref = [label for label in onto.objects(c, SKOS.prefLabel) if label.language == "en"]
        assert len(pref) == 1, f"{c}: one English prefLabel"
        assert str(onto.value(c, SKOS.notation)) == notation, c
        assert onto.value(c, SKOS.inScheme) == SCHEME_TERMS[scheme_name], c
        assert (SCHEME_TERMS[scheme_name], RDF.type, SKOS.ConceptScheme) in onto
    assert found > 100


def test_concept_iris_follow_the_pattern(onto: Graph) -> None:
    for c in onto.subjects(RDF.type, SKOS.Concept):
        assert re.fullmatch(re.escape(str(SCHEME)) + r"[a-z]+/[a-z0-9]+(-[a-z0-9]+)*", str(c)), c


def test_every_orgtype_has_a_sector(onto: Graph) -> None:
    for c in concepts.all_concepts("orgtype"):
        sector = onto.value(c.iri, KG.sector)
        assert sector is not None, c.notation
        assert onto.value(sector, SKOS.inScheme) == KG.Sectors, c.notation


def test_schemes_hold_the_expected_notations() -> None:
    def notations(scheme: str) -> set[str]:
        return {c.notation for c in concepts.all_concepts(scheme)}

    assert notations("outcome") == set(OUTCOME_KINDS)
    assert notations("role") == {"lead", "partner"}
    assert notations("sector") == {
        "council", "health", "police-fire", "central-government", "education", "private",
        "third-sector", "other",
    }  # fmt: skip
    assert {
        "local-authority", "combined-authority", "police-force", "fire-and-rescue",
        "health-board", "nhs-trust", "hsc-trust", "central-government", "university",
        "college", "company", "third-sector", "pension-fund", "other-public-body", "unknown",
    } == notations("orgtype")  # fmt: skip
    assert {
        "shared-service", "joint-working", "joint-procurement", "merger-talks", "merger",
        "outsourcing", "in-sourcing", "partnership-ended", "funding-award", "joint-venture",
        "statutory-partnership", "community-safety-partnership", "police-force-area",
        "fire-and-rescue-authority", "combined-authority", "health-board-area",
    } == notations("collaboration")  # fmt: skip
    regions = notations("region")
    assert {"wales", "scotland", "northern-ireland", "london", "east-of-england"} <= regions
    assert len(regions - {"england", "wales", "scotland", "northern-ireland"}) >= 9 + 5
    assert {"planning", "waste", "legal", "hr", "ict", "pensions", "social-care"} <= notations(
        "service"
    )


def test_no_label_means_two_concepts_in_one_scheme() -> None:
    """Exact matching refuses to guess, so a shared label would silently match nothing."""
    for name, sch in concepts._schemes().items():
        clashes = {key: sorted(n) for key, n in sch.exact.items() if len(n) > 1}
        assert not clashes, f"{name}: labels shared by two concepts: {clashes}"


def test_narrower_concepts_point_back(onto: Graph) -> None:
    for c, broader in onto.subject_objects(SKOS.broader):
        assert (broader, SKOS.narrower, c) in onto
        assert onto.value(c, SKOS.inScheme) == onto.value(broader, SKOS.inScheme)
    assert (SCHEME["region/north-wales"], SKOS.broader, SCHEME["region/wales"]) in onto
    csp = SCHEME["collaboration/community-safety-partnership"]
    assert (csp, SKOS.broader, SCHEME["collaboration/statutory-partnership"]) in onto


# -- every kg: term used elsewhere is declared ---------------------------------------------------

_KG_PREFIX = re.compile(r"PREFIX\s+(\w*):\s*<" + re.escape(KG_NS) + ">", re.IGNORECASE)


def terms_in_sparql(text: str) -> set[str]:
    prefixes = set(_KG_PREFIX.findall(text)) or {"kg"}
    names: set[str] = set()
    for prefix in prefixes:
        names |= set(re.findall(rf"(?<![\w:]){prefix}:([A-Za-z_][\w]*)", text))
    names |= set(re.findall(re.escape("<" + KG_NS) + r"([A-Za-z_]\w*)>", text))
    return names


def query_files() -> list[Path]:
    return sorted((ROOT / "kgraph" / "queries").rglob("*.rq"))


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.name)
def test_kg_terms_in_queries_are_declared(onto: Graph, path: Path) -> None:
    names = terms_in_sparql(path.read_text(encoding="utf-8"))
    missing = {n for n in names if URIRef(KG_NS + n) not in declared(onto)}
    assert not missing, f"{path.name} uses undeclared kg: terms {sorted(missing)}"


def test_kg_terms_in_shapes_are_declared(onto: Graph, shapes: Graph) -> None:
    used = {n for t in shapes for n in t if isinstance(n, URIRef) and str(n).startswith(KG_NS)}
    for select in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#select")):
        used |= {URIRef(KG_NS + n) for n in terms_in_sparql(str(select))}
    assert used, "the shapes should check kg: terms"
    assert used <= declared(onto), used - declared(onto)


def test_the_sparql_scanner_finds_terms() -> None:
    text = "PREFIX kg: <https://w3id.org/kgraph/ns#>\nSELECT ?x { ?x kg:orgType ?t ; kg:Bogus 1 }"
    assert terms_in_sparql(text) == {"orgType", "Bogus"}
