"""The named queries in kgraph/queries: documented, valid, and right on real data."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kgraph import sparql
from kgraph.cli import cli
from kgraph.store import Store
from kgraph.vocab import KG, PREFIXES
from tests.test_query import demo_store

NAMED = sparql.named_queries()
VGL_IRI = "kgid:org/la/VGL"
KG_TERMS = {name for name in KG.__annotations__ if not name.startswith("_")}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory)


@pytest.fixture(scope="module")
def execute(store: Path):
    return sparql.local(ox.Store.read_only(str(store)))


def rows(execute, name: str, **params: object) -> list[dict[str, str]]:
    """Run a named query as the CLI does; values as plain strings, unbound left out."""
    query = NAMED[name]
    given = {k: sparql.parse_value(v) if isinstance(v, str) else v for k, v in params.items()}
    result = sparql.run(execute, query.text, sparql.prepare(execute, query, given))
    return [
        {v: t.value for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]


def by(items: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {r[key]: r for r in items}


# -- every query ------------------------------------------------------------------------
def test_the_library_has_the_promised_queries() -> None:
    assert set(NAMED) >= {
        "partnerships-of",
        "co-partners",
        "active-in-year",
        "savings-by-service",
        "orgs-by-partnerships",
        "partner-changes",
        "news-events",
        "survey-summary",
        "sources-of",
    }


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_query_documents_itself(name: str) -> None:
    query = NAMED[name]
    assert query.title and query.description, name
    for p in query.params:
        assert p.description and p.example.startswith(f"{p.name}="), (name, p)
        assert f"?{p.name}" in query.text
    declared = {p.name for p in query.params}
    assert declared <= sparql.variables(query.text)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_query_uses_only_declared_kg_terms(name: str) -> None:
    body = "\n".join(line for line in NAMED[name].text.splitlines() if not line.startswith("#"))
    used = set(re.findall(r"\bkg:(\w+)", body))
    assert used <= KG_TERMS, f"{name}: not in kgraph/vocab.py: {used - KG_TERMS}"
    prefixes = set(re.findall(r"(?<![\w?$])([a-z]+):\w", body)) - {"http", "https"}
    assert prefixes <= set(PREFIXES), f"{name}: undeclared prefixes {prefixes - set(PREFIXES)}"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_query_runs_from_the_command_line_with_its_examples(store: Path, name: str) -> None:
    query = NAMED[name]
    args = [a for p in query.params for a in ("--param", p.example.replace('"', ""))]
    result = CliRunner().invoke(cli, ["--store", str(store), "query", name, *args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"]
    if name not in ("news-events", "survey-summary"):  # no news or survey in the demo
        assert data["results"]["bindings"], f"{name} gave no rows on the demo store"


# -- each query on the demo store ----------------------------------------------------------
def test_partnerships_of_vale_of_glamorgan(execute) -> None:
    found = by(rows(execute, "partnerships-of", org="Vale of Glamorgan Council"), "title")
    assert {"Prosiect Gwyrdd", "Shared Regulatory Services", "Central South Consortium"} <= set(
        found
    )
    gwyrdd = found["Prosiect Gwyrdd"]
    assert gwyrdd["role"] == "Partner"
    assert gwyrdd["kind"] == "Joint procurement"
    assert gwyrdd["services"] == "Waste and recycling"
    assert gwyrdd["start"] == "2005"
    assert "end" not in gwyrdd
    assert gwyrdd["source"] == "compendium.csv:2"
    assert found["Shared Regulatory Services"]["role"] == "Lead"


def test_an_organisation_is_found_by_any_name_code_or_iri(execute) -> None:
    expected = {
        r["title"] for r in rows(execute, "partnerships-of", org="Vale of Glamorgan Council")
    }
    for org in ("vale of glamorgan", "Cyngor Bro Morgannwg", "VGL", "W06000014", VGL_IRI):
        assert {r["title"] for r in rows(execute, "partnerships-of", org=org)} == expected, org


def test_unknown_and_near_miss_organisations_are_clear_errors(execute) -> None:
    with pytest.raises(sparql.KgraphError, match="no organisation called 'Nowhere Council'"):
        rows(execute, "partnerships-of", org="Nowhere Council")
    with pytest.raises(sparql.KgraphError, match="did you mean City of Cardiff Council"):
        rows(execute, "partnerships-of", org="Cardif Council")


def test_co_partners(execute) -> None:
    found = rows(execute, "co-partners", org="Vale of Glamorgan Council")
    assert found[0]["name"] == "City of Cardiff Council"
    assert found[0]["partner"] == "https://w3id.org/kgraph/id/org/la/CRF"
    shared = found[0]["partnerships"].split("; ")
    assert {"Prosiect Gwyrdd", "Shared Regulatory Services"} <= set(shared)
    assert int(found[0]["shared"]) >= len(set(shared))  # two partnerships are "South Wales"
    names = [r["name"] for r in found]
    assert "Vale of Glamorgan Council" not in names
    assert len(names) == len(set(names))
    bridgend = by(found, "name")["Bridgend County Borough Council"]
    assert "Shared Regulatory Services" in bridgend["partnerships"]


def test_active_in_year(execute) -> None:
    in_2015 = by(rows(execute, "active-in-year", year=2015), "title")
    assert in_2015["Richmond and Kingston shared services"]["end"] == "2015"
    assert in_2015["Prosiect Gwyrdd"]["start"] == "2005"
    assert in_2015["Prosiect Gwyrdd"]["end"] == "open"
    assert in_2015["Prosiect Gwyrdd"]["members"] == "5"
    assert "Bi-borough" not in in_2015
    assert "Richmond and Wandsworth shared staffing arrangement" not in in_2015
    in_2016 = by(rows(execute, "active-in-year", year="2016"), "title")
    assert "Richmond and Kingston shared services" not in in_2016
    assert "Richmond and Wandsworth shared staffing arrangement" in in_2016
    assert set(by(rows(execute, "active-in-year", year='"2016"'), "title")) == set(in_2016)


def test_savings_by_service_area(execute) -> None:
    found = by(rows(execute, "savings-by-service"), "service")
    assert Decimal(found["waste"]["total_gbp"]) == 1_000_000
    assert found["waste"]["per"] == "year"
    assert found["waste"]["area"] == "Waste and recycling"
    assert found["waste"]["partnerships"] == "1"
    assert Decimal(found["policing"]["total_gbp"]) == 72_000_000
    assert found["policing"]["per"] == ""
    # funding and contract values are not savings
    assert "shared-back-office" not in found and "ict" not in found


def test_organisations_by_number_of_partnerships(execute) -> None:
    found = rows(execute, "orgs-by-partnerships")
    assert found[0]["name"] == "London Borough of Richmond upon Thames"
    assert found[0]["partnerships"] == "7"
    counts = [int(r["partnerships"]) for r in found]
    assert counts == sorted(counts, reverse=True)
    assert len({r["organisation"] for r in found}) == len(found)
    police = rows(execute, "orgs-by-partnerships", type="police-force")
    assert {r["org_type"] for r in police} == {"Police force"}
    assert "Gwent Police" in {r["name"] for r in police}
    assert rows(execute, "orgs-by-partnerships", type="Police force") == police


def test_partner_changes(execute) -> None:
    found = by(rows(execute, "partner-changes"), "name")
    richmond = found["London Borough of Richmond upon Thames"]
    assert richmond["left"] == "Richmond and Kingston shared services"
    assert (richmond["ended"], richmond["began"]) == ("2015", "2016")
    assert richmond["joined"] == "Richmond and Wandsworth shared staffing arrangement"
    assert richmond["lost"] == "Royal Borough of Kingston upon Thames"
    assert richmond["gained"] == "London Borough of Wandsworth"
    westminster = found["City of Westminster"]
    assert (westminster["left"], westminster["joined"]) == ("Tri-borough", "Bi-borough")
    assert westminster["lost"] == "London Borough of Hammersmith & Fulham"
    assert westminster["kept"] == "Royal Borough of Kensington and Chelsea"
    only = rows(execute, "partner-changes", org="Richmond upon Thames")
    assert [r["name"] for r in only] == ["London Borough of Richmond upon Thames"]
    assert rows(execute, "partner-changes", org="Richmond upon Thames", within=0) == []


def test_sources_of_a_fact(execute) -> None:
    org = rows(execute, "sources-of", node="kgid:org/la/VGL")
    assert {r["file"] for r in org} == {"compendium.csv", "statutory_partnerships.csv"}
    assert {r["record"] for r in org} == {"https://w3id.org/kgraph/id/register"}
    partnership = rows(execute, "partnerships-of", org="VGL")
    gwyrdd = next(r["partnership"] for r in partnership if r["title"] == "Prosiect Gwyrdd")
    found = rows(execute, "sources-of", node=f"<{gwyrdd}>")
    assert [(r["file"], r["line"], r["identifier"]) for r in found] == [
        ("compendium.csv", "2", "WAL-01")
    ]
    assert found[0]["graph"].startswith("https://w3id.org/kgraph/id/source/")
    assert rows(execute, "sources-of", node="Prosiect Gwyrdd") == []  # a name is not a node


# -- news events and surveys, on small graphs written to the model -----------------------
NEWS = """
@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix kgid: <https://w3id.org/kgraph/id/> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kgid:org\\/la\\/NTL a org:Organization ; rdfs:label "Neath Port Talbot County Borough Council" .
kgid:org\\/la\\/SWA a org:Organization ; rdfs:label "City and County of Swansea Council" .
kgid:event\\/1 a kg:CollaborationEvent ;
    dcterms:title "Neath Port Talbot and Swansea councils agree merger talks" ;
    dcterms:date "2014-03-20"^^xsd:date ;
    kg:collaborationKind <https://w3id.org/kgraph/scheme/collaboration/merger-talks> ;
    kg:involves kgid:org\\/la\\/NTL, kgid:org\\/la\\/SWA ;
    kg:confidence 0.9 ;
    prov:wasDerivedFrom kgid:source\\/n\\/record\\/7 .
kgid:source\\/n\\/record\\/7 a kg:SourceRecord ; kg:line 7 ;
    kg:sentence "Neath Port Talbot and Swansea councils have agreed to hold merger talks." .
kgid:event\\/2 a kg:CollaborationEvent ;
    dcterms:title "Councils agree shared planning service" ;
    dcterms:date "2015-01-28"^^xsd:date ;
    kg:collaborationKind <https://w3id.org/kgraph/scheme/collaboration/shared-service> ;
    kg:serviceArea <https://w3id.org/kgraph/scheme/service/planning> ;
    kg:confidence 0.6 ; kg:needsReview true .
"""

SURVEY = """
@prefix qb: <http://purl.org/linked-data/cube#> . @prefix kgid: <https://w3id.org/kgraph/id/> .
@prefix kg: <https://w3id.org/kgraph/ns#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kgid:survey\\/wales a qb:DataSet ; rdfs:label "Welsh collaboration survey" .
kgid:survey\\/wales\\/q1 a kg:Question ; dcterms:identifier "q1" ;
    rdfs:label "Has collaboration led to improved services?" .
kgid:survey\\/wales\\/q2 a kg:Question ; dcterms:identifier "q2" ;
    rdfs:label "Has collaboration saved money?" .
"""
POSITION = "https://w3id.org/kgraph/scheme/position/"


@pytest.fixture(scope="module")
def modelled() -> sparql.Execute:
    """News events as docs/MODEL.md describes them; survey answers as kgraph/triples.py
    writes them (a qb:Observation per answer, kg:question, kg:answer, kg:scalePosition)."""
    store = Store.memory()
    store.ensure_ontology()
    answers = [("Positive", "positive")] * 12 + [("Negative", "negative")] * 2
    answers += [("Neutral", "neutral")] * 4
    observations = "".join(
        f"kgid:survey\\/wales\\/obs{i} a qb:Observation ; qb:dataSet kgid:survey\\/wales ;"
        f' kg:question kgid:survey\\/wales\\/q1 ; kg:answer "{a}" ;'
        f" kg:scalePosition <{POSITION}{p}> .\n"
        for i, (a, p) in enumerate(answers)
    )
    observations += (
        "kgid:survey\\/wales\\/obs99 a qb:Observation ; qb:dataSet kgid:survey\\/wales ;"
        ' kg:question kgid:survey\\/wales\\/q2 ; kg:answer "Yes" .\n'
    )
    for i, text in enumerate((NEWS, SURVEY + observations)):
        store.ox.load(
            text.encode(),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(f"https://w3id.org/kgraph/id/source/test{i}"),
        )
    return sparql.local(store.ox)


def test_news_events_of_a_kind(modelled) -> None:
    talks = rows(modelled, "news-events", kind="merger-talks")
    assert len(talks) == 1
    event = talks[0]
    assert event["headline"] == "Neath Port Talbot and Swansea councils agree merger talks"
    assert event["date"] == "2014-03-20"
    assert event["collaboration"] == "Merger talks"
    assert set(event["organisations"].split("; ")) == {
        "Neath Port Talbot County Borough Council",
        "City and County of Swansea Council",
    }
    assert event["sentence"].startswith("Neath Port Talbot and Swansea councils have agreed")
    assert rows(modelled, "news-events", kind="Merger talks") == talks
    everything = rows(modelled, "news-events")
    assert [e["headline"] for e in everything] == [
        "Councils agree shared planning service",
        "Neath Port Talbot and Swansea councils agree merger talks",
    ]
    assert everything[0]["services"] == "Planning"
    assert everything[0]["needs_review"] == "true"
    assert rows(modelled, "news-events", kind="outsourcing") == []


def test_survey_summary(modelled) -> None:
    """The seed's question: 18 responses, 12 positive, 2 negative, 4 neutral (66.7% positive)."""
    found = rows(modelled, "survey-summary", question="improved services")
    assert [(r["answer"], r["responses"], Decimal(r["percent"])) for r in found] == [
        ("Positive", "12", Decimal("66.7")),
        ("Neutral", "4", Decimal("22.2")),
        ("Negative", "2", Decimal("11.1")),
    ]
    assert {(r["total"], r["question_text"]) for r in found} == {
        ("18", "Has collaboration led to improved services?")
    }
    assert {r["position"] for r in found} == {"positive", "negative", "neutral"}
    other = rows(modelled, "survey-summary", question="q2")
    assert [(r["answer"], r["responses"]) for r in other] == [("Yes", "1")]
