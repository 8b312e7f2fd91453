"""kgraph export: every format parses back with the same counts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kgraph.analytics.facts import Concept, Facts, Membership, Org, Partnership
from kgraph.export import memberships_csv

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "compendium.csv"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@pytest.fixture
def counts(kg, store_dir: Path) -> dict:
    from kgraph.analytics.facts import load
    from kgraph.analytics.projection import organisation_network
    from kgraph.store import Store

    assert kg("import", str(SAMPLE)).exit_code == 0
    with Store.open(store_dir) as store:
        graph = organisation_network(store)
        return {
            "quads": len(store.ox),
            "triples": int(store.select(DISTINCT)[0]["n"]),
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "memberships": len(load(store).memberships),
        }


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("nt", "nt")])
def test_triples_parse_back(kg, tmp_path: Path, counts: dict, fmt: str, parser: str) -> None:
    out = tmp_path / f"x.{fmt}"
    result = kg("export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out, format=parser)
    assert len(graph) == counts["triples"]


@pytest.mark.parametrize(
    "fmt,parser", [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")]
)
def test_quads_parse_back(kg, tmp_path: Path, counts: dict, fmt: str, parser: str) -> None:
    out = tmp_path / f"x.{fmt}"
    assert kg("export", "--format", fmt, "--out", str(out)).exit_code == 0
    dataset = rdflib.Dataset()
    dataset.parse(out, format=parser)
    assert len(list(dataset.quads((None, None, None, None)))) == counts["quads"]
    named = {str(g.identifier) for g in dataset.graphs()}
    assert any(name.startswith("https://w3id.org/kgraph/id/source/") for name in named)


def test_graphml_and_gexf_parse_back(kg, tmp_path: Path, counts: dict) -> None:
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"x.{fmt}"
        assert kg("export", "--format", fmt, "--out", str(out)).exit_code == 0
        graph = read(out)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (
            counts["nodes"],
            counts["edges"],
        )
    text = (tmp_path / "x.gexf").read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="2005-01-01"' in text  # Prosiect Gwyrdd's members from 2005
    again = kg("export", "--format", "gexf")
    assert again.stdout_bytes == (tmp_path / "x.gexf").read_bytes()  # the same file each time


def test_csv_to_stdout(kg, counts: dict) -> None:
    result = kg("export", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == counts["memberships"]
    assert rows[0]["partnership_iri"].startswith("https://w3id.org/kgraph/id/partnership/")


def test_csv_neutralises_formulas() -> None:
    la = Concept("urn:la", "la", "Local authority")
    orgs = [Org("urn:o1", "=HYPERLINK(1)", la), Org("urn:o2", "@SUM(A1)", la)]
    facts = Facts.build(
        orgs,
        [Partnership("urn:p", "+cmd|' /C calc'!A0")],
        [Membership("urn:p", "urn:o1", 2001, 2002), Membership("urn:p", "urn:o2")],
    )
    rows = list(csv.DictReader(io.StringIO(memberships_csv(facts))))
    assert [r["organisation"] for r in rows] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    assert rows[0]["partnership"].startswith("'+")
    assert rows[0]["start"] == "2001" and rows[1]["end"] == ""


def test_unknown_format_is_a_usage_error(kg) -> None:
    result = kg("export", "--format", "xlsx")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output
