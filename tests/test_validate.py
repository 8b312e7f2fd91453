"""SHACL validation: a graph built per docs/MODEL.md passes; each kind of breakage reads well."""

from __future__ import annotations

from collections.abc import Callable

import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS

from kgraph.concepts import ontology_graph
from kgraph.validate import Violation, shapes_graph, validate
from kgraph.vocab import ID, KG, ONTOLOGY_GRAPH, ORG, concept

# plain Namespaces: pytest's collection pokes at module globals, and rdflib's TIME and XSD
# warn about every name they do not define
TIME = Namespace("http://www.w3.org/2006/time#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

SOURCE = ID["source/ab12"]
ROW = URIRef(f"{SOURCE}/row/12")
PARTNERSHIP = ID["partnership/prosiect-gwyrdd-1a2b3c"]
CARDIFF = ID["org/la/CRF"]
VALE = ID["org/la/VGL"]
M_CARDIFF = ID["membership/1"]
M_VALE = ID["membership/2"]
INTERVAL = ID["interval/2008--2033-03-31"]
OUTCOME = ID["outcome/1"]


def model_graph() -> Dataset:
    """One source graph as docs/MODEL.md describes it (a small compendium import)."""
    ds = Dataset()
    g = ds.graph(SOURCE)
    t = g.add
    activity = URIRef(f"{SOURCE}/import")
    agent = ID["agent/compendium"]
    t((SOURCE, RDF.type, KG.Source))
    t((SOURCE, RDF.type, PROV.Entity))
    t((SOURCE, DCTERMS.title, Literal("compendium.csv")))
    t((SOURCE, KG.fileName, Literal("compendium.csv")))
    t((SOURCE, KG.filePath, Literal("/abs/compendium.csv")))
    t((SOURCE, KG.sha256, Literal("0123456789abcdef" * 4)))
    t((SOURCE, KG.importer, Literal("compendium")))
    t((SOURCE, KG.importerVersion, Literal("0.1.0")))
    t((SOURCE, KG.recordCount, Literal(1, datatype=XSD.nonNegativeInteger)))
    t((SOURCE, KG.rejectCount, Literal(0, datatype=XSD.nonNegativeInteger)))
    t((SOURCE, PROV.wasGeneratedBy, activity))
    t((activity, RDF.type, PROV.Activity))
    t((activity, PROV.startedAtTime, Literal("2024-01-01T10:00:00", datatype=XSD.dateTime)))
    t((activity, PROV.endedAtTime, Literal("2024-01-01T10:00:01", datatype=XSD.dateTime)))
    t((activity, PROV.wasAssociatedWith, agent))
    t((agent, RDF.type, PROV.SoftwareAgent))
    t((agent, RDFS.label, Literal("kgraph compendium importer")))
    t((ROW, RDF.type, KG.SourceRecord))
    t((ROW, DCTERMS.isPartOf, SOURCE))
    t((ROW, KG.line, Literal(12, datatype=XSD.positiveInteger)))
    t((ROW, DCTERMS.identifier, Literal("P-07")))
    for org, name, code in (
        (CARDIFF, "Cardiff Council", "CRF"),
        (VALE, "Vale of Glamorgan", "VGL"),
    ):
        t((org, RDF.type, ORG.Organization))
        t((org, RDFS.label, Literal(name)))
        t((org, SKOS.prefLabel, Literal(name)))
        t((org, KG.orgType, concept("orgtype", "local-authority")))
        t((org, KG.registerCode, Literal(code)))
        t((org, KG.region, concept("region", "wales")))
        t((org, KG.resolution, Literal("register")))
        t((org, PROV.wasDerivedFrom, ID["register"]))
    p = PARTNERSHIP
    t((p, RDF.type, ORG.OrganizationalCollaboration))
    t((p, RDFS.label, Literal("Prosiect Gwyrdd")))
    t((p, DCTERMS.title, Literal("Prosiect Gwyrdd")))
    t((p, DCTERMS.identifier, Literal("P-07")))
    t((p, KG.collaborationKind, concept("collaboration", "joint-procurement")))
    t((p, KG.serviceArea, concept("service", "waste")))
    t((p, KG.region, concept("region", "wales")))
    t((p, KG.status, Literal("active")))
    t((p, PROV.wasDerivedFrom, ROW))
    begin, end = ID["instant/2008"], ID["instant/2033-03-31"]
    t((INTERVAL, RDF.type, TIME.Interval))
    t((INTERVAL, TIME.hasBeginning, begin))
    t((INTERVAL, TIME.hasEnd, end))
    t((begin, RDF.type, TIME.Instant))
    t((begin, TIME.inXSDgYear, Literal("2008", datatype=XSD.gYear)))
    t((end, RDF.type, TIME.Instant))
    t((end, TIME.inXSDgYear, Literal("2033", datatype=XSD.gYear)))
    t((end, TIME.inXSDDate, Literal("2033-03-31", datatype=XSD.date)))
    for m, org, role in ((M_CARDIFF, CARDIFF, "lead"), (M_VALE, VALE, "partner")):
        t((p, ORG.hasMember, org))
        t((p, ORG.hasMembership, m))
        t((m, RDF.type, ORG.Membership))
        t((m, ORG.member, org))
        t((m, ORG.organization, p))
        t((m, ORG.role, concept("role", role)))
        t((m, ORG.memberDuring, INTERVAL))
        t((m, PROV.wasDerivedFrom, ROW))
    t((p, KG.hasOutcome, OUTCOME))
    t((OUTCOME, RDF.type, KG.Outcome))
    t((OUTCOME, KG.outcomeKind, concept("outcome", "saving")))
    t((OUTCOME, KG.amountGBP, Literal("1000000.0", datatype=XSD.decimal)))
    t((OUTCOME, KG.amountPer, Literal("year")))
    t((OUTCOME, KG.amountText, Literal("£1m per annum")))
    t((OUTCOME, PROV.wasDerivedFrom, ROW))
    return ds


def graph_of(ds: Dataset) -> Graph:
    return ds.graph(SOURCE)


# -- breakages: each takes the model dataset and breaks one thing ---------------------------------


def one_member(ds: Dataset) -> None:
    g = graph_of(ds)
    g.remove((PARTNERSHIP, ORG.hasMember, VALE))
    g.remove((PARTNERSHIP, ORG.hasMembership, M_VALE))
    g.remove((M_VALE, None, None))


def membership_without_org(ds: Dataset) -> None:
    graph_of(ds).remove((M_VALE, ORG.member, None))


def negative_amount(ds: Dataset) -> None:
    g = graph_of(ds)
    g.set((OUTCOME, KG.amountGBP, Literal("-5000", datatype=XSD.decimal)))


def source_without_checksum(ds: Dataset) -> None:
    graph_of(ds).remove((SOURCE, KG.sha256, None))


def start_after_end(ds: Dataset) -> None:
    g = graph_of(ds)
    late = ID["interval/2020--2010-06"]
    begin, end = ID["instant/2020"], ID["instant/2010-06"]
    g.add((late, RDF.type, TIME.Interval))
    g.add((late, TIME.hasBeginning, begin))
    g.add((late, TIME.hasEnd, end))
    g.add((begin, TIME.inXSDgYear, Literal("2020", datatype=XSD.gYear)))
    g.add((end, TIME.inXSDgYear, Literal("2010", datatype=XSD.gYear)))
    g.add((end, TIME.inXSDgYearMonth, Literal("2010-06", datatype=XSD.gYearMonth)))
    for m in (M_CARDIFF, M_VALE):
        g.set((m, ORG.memberDuring, late))


def organisation_without_label(ds: Dataset) -> None:
    g = graph_of(ds)
    g.remove((VALE, RDFS.label, None))
    g.remove((VALE, SKOS.prefLabel, None))


def bad_checksum(ds: Dataset) -> None:
    graph_of(ds).set((SOURCE, KG.sha256, Literal("not-a-checksum")))


def outcome_without_kind(ds: Dataset) -> None:
    graph_of(ds).remove((OUTCOME, KG.outcomeKind, None))


def line_zero(ds: Dataset) -> None:
    graph_of(ds).set((ROW, KG.line, Literal(0)))


BREAKAGES: dict[str, tuple[Callable[[Dataset], None], list[str]]] = {
    "one member": (
        one_member,
        ['Partnership "Prosiect Gwyrdd"', "at least two member organisations", "(has 1)"],
    ),
    "membership without organisation": (
        membership_without_org,
        ['Membership "membership of Prosiect Gwyrdd"', "must name exactly one member"],
    ),
    "negative amount": (
        negative_amount,
        ['Outcome "saving of Prosiect Gwyrdd"', "cannot be negative", "(got -5000)"],
    ),
    "source without checksum": (
        source_without_checksum,
        ['Source "compendium.csv"', "SHA-256 checksum"],
    ),
    "membership starts after it ends": (
        start_after_end,
        ['Partnership "Prosiect Gwyrdd"', "starts (2020) after it ends (2010-06)"],
    ),
    "organisation without label": (
        organisation_without_label,
        ['Organisation "org/la/VGL"', "needs a name"],
    ),
    "checksum not hex": (bad_checksum, ["64 hexadecimal", "(got not-a-checksum)"]),
    "outcome without kind": (outcome_without_kind, ['Outcome "outcome of Prosiect Gwyrdd"']),
    "line zero": (line_zero, ['Record "compendium.csv:0"', "1 or more"]),
}


def test_the_model_graph_passes() -> None:
    assert validate(model_graph()) == []


def test_the_model_graph_passes_beside_the_ontology() -> None:
    ds = model_graph()
    vocabulary = ds.graph(ONTOLOGY_GRAPH)
    for t in ontology_graph():
        vocabulary.add(t)
    assert validate(ds) == []


def test_a_plain_graph_passes_too() -> None:
    g = Graph()
    for s, p, o, _ in model_graph().quads((None, None, None, None)):
        g.add((s, p, o))
    assert validate(g) == []


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_each_breakage_gives_one_readable_line(name: str) -> None:
    breakage, expected = BREAKAGES[name]
    ds = model_graph()
    breakage(ds)
    found = validate(ds)
    assert len(found) == 1, [v.line() for v in found]
    v = found[0]
    line = v.line()
    assert "\n" not in line
    assert "(compendium.csv)" in line, line
    assert v.source == "compendium.csv"
    assert v.severity == "Violation"
    for part in expected:
        assert part in line, line


def test_all_breakages_at_once_as_a_plain_graph() -> None:
    ds = model_graph()
    for name in (
        "one member",
        "negative amount",
        "source without checksum",
        "membership starts after it ends",
    ):
        BREAKAGES[name][0](ds)
    graph_of(ds).remove((M_CARDIFF, ORG.organization, None))
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    lines = [v.line() for v in validate(g)]
    assert len(lines) == 5, lines
    assert all("(compendium.csv)" in line for line in lines), lines
    assert any("must name exactly one partnership" in line for line in lines)


def test_source_comes_from_the_named_graph_when_nothing_else_says() -> None:
    ds = model_graph()
    stray = ID["org/name/unknown-body"]
    g = graph_of(ds)
    g.add((stray, RDF.type, ORG.Organization))
    g.add((stray, KG.needsReview, Literal(True)))
    (v,) = validate(ds)
    assert v.focus == str(stray)
    assert v.label == "org/name/unknown-body"
    assert v.source == "compendium.csv"
    assert v.line() == (
        'Organisation "org/name/unknown-body" (compendium.csv): '
        "an organisation needs a name (rdfs:label)"
    )


def test_violation_line_without_source_and_as_warning() -> None:
    v = Violation("urn:x", "X", "is wrong", "", "", "Warning", "Partnership", "")
    assert v.line() == 'warning: Partnership "X": is wrong'
    assert str(v) == v.line()


def test_shapes_work_as_standard_shacl_in_pyshacl() -> None:
    """The period rule is plain SHACL-SPARQL: pyshacl itself finds it with the full shapes."""
    ds = model_graph()
    start_after_end(ds)
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    conforms, report, _ = pyshacl.validate(g, shacl_graph=shapes_graph(), inference="none")
    assert not conforms
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    assert any("starts (2020) after it ends (2010-06)" in m for m in messages), messages


def test_dates_in_order_within_one_year_pass() -> None:
    ds = model_graph()
    g = graph_of(ds)
    begin, end = ID["instant/2015-03-01"], ID["instant/2015"]
    g.add((begin, TIME.inXSDgYear, Literal("2015", datatype=XSD.gYear)))
    g.add((begin, TIME.inXSDDate, Literal("2015-03-01", datatype=XSD.date)))
    g.add((end, TIME.inXSDgYear, Literal("2015", datatype=XSD.gYear)))
    g.set((INTERVAL, TIME.hasBeginning, begin))
    g.set((INTERVAL, TIME.hasEnd, end))
    assert validate(ds) == []


def test_the_model_graph_passes_after_a_round_trip_through_oxigraph() -> None:
    """Oxigraph stores xsd:positiveInteger as xsd:integer: the shapes must not mind."""
    pytest.importorskip("oxrdflib")
    ox = Dataset(store="Oxigraph")
    for s, p, o, g in model_graph().quads((None, None, None, None)):
        ox.graph(g).add((s, p, o))
    assert validate(ox) == []
    one_member(ox)
    (v,) = validate(ox)
    assert v.source == "compendium.csv"


def test_a_survey_answer_without_its_question_is_one_readable_line() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF

    from kgraph.vocab import KG, QB

    g = Graph()
    obs = URIRef("https://w3id.org/kgraph/id/observation/x")
    g.add((obs, RDF.type, QB.Observation))
    g.add((obs, QB.dataSet, URIRef("https://w3id.org/kgraph/id/survey/s")))
    g.add((obs, KG.answer, Literal("Agree")))
    lines = [v.line() for v in validate(g)]
    assert any(
        line.startswith("Survey answer") and "exactly one question" in line for line in lines
    ), lines
