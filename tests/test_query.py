"""`kgraph query`: SPARQL text and files, parameters bound safely, every output format."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kgraph import sparql
from kgraph.cli import cli
from kgraph.errors import KgraphError, UsageProblem

XSD = "http://www.w3.org/2001/XMLSchema#"
VGL = "https://w3id.org/kgraph/id/org/la/VGL"
ECHO = "SELECT (STR(?v) AS ?text) (DATATYPE(?v) AS ?type) WHERE { BIND(?v AS ?x) }"
HOSTILE = [
    '"} ; DROP ALL ; {"',
    "} ; DROP ALL ; {",
    'x" } ; INSERT DATA { <a> <b> <c> } ; SELECT * { "',
    "'single' and \"double\" quotes",
    "{ braces } and ?variables and <http://a/b>",
    "line one\nDROP ALL\nline three",
    "back\\slash \\u0022 escapes",
    "# a comment\n}",
    '"""triple"""',
    "> <http://evil/> <",
]


def demo_store(factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once per test session and only read afterwards."""
    from kgraph import demo

    base = factory.getbasetemp() / "query-demo"
    store = base / "store"
    if not (store / "CURRENT").exists():
        base.mkdir(exist_ok=True)
        demo.run(store, base / "map.html")
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory)


@pytest.fixture
def q(store: Path):
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--store", str(store), "query", *args], input=input)

    return run


def triples(store: Path) -> int:
    return len(ox.Store.read_only(str(store)))


# -- parameters ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("<http://example.org/a>", ox.NamedNode("http://example.org/a")),
        ("http://example.org/a", ox.NamedNode("http://example.org/a")),
        ("https://example.org/a?b=c#d", ox.NamedNode("https://example.org/a?b=c#d")),
        ("urn:isbn:123", ox.NamedNode("urn:isbn:123")),
        ("kgid:org/la/VGL", ox.NamedNode(VGL)),
        ('"text"@en', ox.Literal("text", language="en")),
        ('"5"^^xsd:integer', ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))),
        ('"5"^^<http://x/t>', ox.Literal("5", datatype=ox.NamedNode("http://x/t"))),
        ('"2015"', ox.Literal("2015")),
        ("2015", ox.Literal("2015", datatype=ox.NamedNode(XSD + "integer"))),
        ("-3", ox.Literal("-3", datatype=ox.NamedNode(XSD + "integer"))),
        ("4.5", ox.Literal("4.5", datatype=ox.NamedNode(XSD + "decimal"))),
        ("1e3", ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double"))),
        ("true", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ("2015-01-28", ox.Literal("2015-01-28", datatype=ox.NamedNode(XSD + "date"))),
        (
            "2015-01-28T10:00:00Z",
            ox.Literal("2015-01-28T10:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        ("Vale of Glamorgan Council", ox.Literal("Vale of Glamorgan Council")),
        ("", ox.Literal("")),
        ("unknown:prefix", ox.Literal("unknown:prefix")),
        ('"say \\"hi\\""', ox.Literal('say "hi"')),
    ],
)
def test_values_become_one_rdf_term(given: str, expected: object) -> None:
    assert sparql.parse_value(given) == expected


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_one_plain_literal(value: str) -> None:
    term = sparql.parse_value(value)
    assert isinstance(term, ox.Literal)
    text, _ = sparql.bind("SELECT ?x WHERE { BIND(?v AS ?x) }", {"v": term})
    solutions = list(ox.Store().query(text))
    assert len(solutions) == 1
    assert solutions[0]["x"] == term


@pytest.mark.parametrize(
    "value",
    ["http://x> <y", "<http://x> <y>", "<http://a/b c>", "https://a/{b}", 'http://a/"b', "<>"],
)
def test_bad_iris_are_refused_not_bound(value: str) -> None:
    with pytest.raises(UsageProblem, match="not a valid IRI"):
        sparql.parse_value(value, "v")


@pytest.mark.parametrize("text", ["novalue", "=x", "a b=1", "v}{=1", "?=1", "1v=2"])
def test_parameter_names_must_be_variable_names(text: str) -> None:
    with pytest.raises(UsageProblem, match="NAME=VALUE"):
        sparql.parse_param(text)


def test_wrong_dates_and_datatypes_are_refused() -> None:
    with pytest.raises(UsageProblem, match="no such date: 2015-02-31"):
        sparql.parse_value("2015-02-31", "d")
    with pytest.raises(UsageProblem, match="unknown datatype"):
        sparql.parse_value('"5"^^foo:int', "d")


# -- binding -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x # WHERE { not here\nWHERE { BIND(?v AS ?x) }",
        'SELECT ?x WHERE { BIND("WHERE { no }" AS ?y) BIND(?v AS ?x) }',
        'SELECT ?x WHERE { BIND("""a\n{ b""" AS ?y) BIND(?v AS ?x) }',
        "select ?x { BIND(?v AS ?x) }",
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) ?x WHERE { BIND(?v AS ?x) }",
        "SELECT ?x WHERE { SELECT ?x WHERE { BIND(1 AS ?x) } }",
        "PREFIX ex: <http://ex/where> SELECT ?x WHERE { BIND(?v AS ?x) }",
        "CONSTRUCT { <http://s> <http://p> ?v } WHERE { }",
        "CONSTRUCT { <http://s> <http://p> ?v } { }",
        "ASK { FILTER(?v = 1) }",
        "DESCRIBE ?x WHERE { BIND(<http://a> AS ?x) FILTER(?v = 1) }",
    ],
)
def test_values_go_into_the_outermost_where_group(query: str) -> None:
    text, _ = sparql.bind(query, {"v": 1})
    assert 'VALUES ?v { "1"^^<http://www.w3.org/2001/XMLSchema#integer> }' in text
    result = ox.Store().query(text)  # parses, and runs
    if isinstance(result, ox.QueryBoolean):
        assert bool(result)
    elif isinstance(result, ox.QuerySolutions) and "BIND(?v" in query:
        assert [s["x"].value for s in result] == ["1"]


def test_queries_without_a_where_group_cannot_take_parameters() -> None:
    with pytest.raises(UsageProblem, match="no WHERE"):
        sparql.bind("DESCRIBE ?v", {"v": 1})
    with pytest.raises(UsageProblem, match="short form CONSTRUCT WHERE"):
        sparql.bind("CONSTRUCT WHERE { ?s ?p ?v }", {"v": 1})


# -- the command --------------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE)
def test_injection_through_param_is_bound_as_a_literal_and_changes_nothing(
    q, store: Path, value: str
) -> None:
    before = triples(store)
    result = q(ECHO, "--param", f"v={value}", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    # a value in double quotes is a literal as written: the quotes delimit it
    expected = value[1:-1] if value.startswith('"') and value.endswith('"') else value
    assert [r["text"]["value"] for r in rows] == [expected]
    assert rows[0]["type"]["value"] == XSD + "string"
    assert triples(store) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_injection_through_a_named_query_finds_nobody_and_changes_nothing(
    q, store: Path, value: str
) -> None:
    before = triples(store)
    result = q("partnerships-of", "--param", f"org={value}")
    assert result.exit_code == 1
    assert "no organisation called" in result.output
    assert "Traceback" not in result.output
    assert triples(store) == before


def test_a_literal_parameter_still_finds_its_rows(q) -> None:
    query = "SELECT ?o WHERE { ?o rdfs:label ?name }"
    found = q(query, "--param", "name=Vale of Glamorgan Council", "--csv")
    assert found.exit_code == 0, found.output
    assert VGL in found.output.splitlines()
    assert q(query, "--param", 'name="} ; DROP ALL ; {"', "--csv").output == "o\n"


def test_a_bad_iri_parameter_is_a_usage_error(q, store: Path) -> None:
    before = triples(store)
    result = q(ECHO, "--param", "v=http://x> <y")
    assert result.exit_code == 2
    assert "--param v: not a valid IRI: 'http://x> <y'" in result.output
    assert triples(store) == before


def test_an_iri_parameter_is_an_iri(q) -> None:
    result = q("ASK { ?o a org:Organization }", "-p", f"o=<{VGL}>")
    assert result.output == "true\n"
    assert q("ASK { ?o a org:Organization }", "-p", "o=kgid:org/la/VGL").output == "true\n"
    assert q("ASK { ?o a org:Organization }", "-p", f"o={VGL}x").output == "false\n"


def test_unknown_parameters_are_usage_errors(q) -> None:
    result = q(ECHO, "--param", "w=1")
    assert result.exit_code == 2
    assert "--param w: the query has no variable ?w" in result.output
    result = q("partnerships-of", "--param", "x=1", "--param", "org=RCT")
    assert result.exit_code == 2
    assert "partnerships-of takes no parameter 'x' (it takes: org)" in result.output
    result = q("partnerships-of")
    assert result.exit_code == 2
    assert 'needs --param org=..., e.g. --param org="Vale of Glamorgan Council"' in result.output


def test_table_is_the_default(q) -> None:
    result = q(
        "SELECT ?title ?members WHERE { ?p rdfs:label ?title ; dcterms:identifier ?id "
        "{ SELECT ?p (COUNT(DISTINCT ?m) AS ?members) WHERE { ?p org:hasMember ?m } "
        "GROUP BY ?p } }",
        "-p",
        "id=WAL-01",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["title", "members"]
    assert lines[2].split() == ["Prosiect", "Gwyrdd", "5"]


def test_csv_neutralises_formulas_but_not_numbers(q) -> None:
    result = q(
        'SELECT ?a ?b ?c ?d WHERE { BIND("=SUM(A1)" AS ?a) BIND(-5 AS ?b) '
        'BIND("@cmd" AS ?c) BIND("plain, with comma" AS ?d) }',
        "--csv",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows == [["a", "b", "c", "d"], ["'=SUM(A1)", "-5", "'@cmd", "plain, with comma"]]


def test_tsv_writes_terms_with_escapes(q) -> None:
    result = q(
        'SELECT ?a ?b ?c WHERE { BIND("x\\ty" AS ?a) BIND(1 AS ?b) BIND(<http://a> AS ?c) }',
        "--tsv",
    )
    assert (
        result.output
        == '?a\t?b\t?c\n"x\\ty"\t"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t<http://a>\n'
    )


def test_json_is_sparql_results_json(q) -> None:
    result = q(
        'SELECT ?a ?b ?c ?unbound WHERE { BIND("x"@cy AS ?a) BIND(2.5 AS ?b) '
        "BIND(<http://a> AS ?c) }",
        "--json",
    )
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["a", "b", "c", "unbound"]
    assert data["results"]["bindings"] == [
        {
            "a": {"type": "literal", "value": "x", "xml:lang": "cy"},
            "b": {"type": "literal", "value": "2.5", "datatype": XSD + "decimal"},
            "c": {"type": "uri", "value": "http://a"},
        }
    ]


def test_xml_is_sparql_results_xml(q) -> None:
    result = q('SELECT ?a WHERE { BIND("<b>&</b>" AS ?a) }', "--xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(result.output)
    assert root.find("r:head/r:variable", ns).get("name") == "a"
    assert root.find("r:results/r:result/r:binding/r:literal", ns).text == "<b>&</b>"


def test_ask(q) -> None:
    assert q("ASK { ?s a org:OrganizationalCollaboration }").output == "true\n"
    assert json.loads(q("ASK { ?s a <http://nothing> }", "--json").output) == {
        "head": {},
        "boolean": False,
    }


CONSTRUCT = (
    "CONSTRUCT { ?p rdfs:label ?title } WHERE { ?p dcterms:identifier ?id ; rdfs:label ?title }"
)


@pytest.mark.parametrize(("args", "parse_as"), [((), "turtle"), (("--format", "ntriples"), "nt")])
def test_construct_prints_rdf(q, args: tuple[str, ...], parse_as: str) -> None:
    result = q(CONSTRUCT, "-p", "id=WAL-01", *args)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format=parse_as)
    assert [str(o) for o in graph.objects()] == ["Prosiect Gwyrdd"]


def test_construct_as_json_ld(q) -> None:
    for args in (("--format", "jsonld"), ("--json",)):
        result = q(CONSTRUCT, "-p", "id=WAL-01", *args)
        graph = Graph().parse(data=result.output, format="json-ld")
        assert [str(o) for o in graph.objects()] == ["Prosiect Gwyrdd"]


def test_formats_must_fit_the_query(q) -> None:
    result = q(CONSTRUCT, "-p", "id=WAL-01", "--csv")
    assert result.exit_code == 2
    assert (
        "a CONSTRUCT query gives a graph: use --format turtle, ntriples or jsonld" in result.output
    )
    result = q("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle")
    assert result.exit_code == 2
    assert "--format turtle is for CONSTRUCT and DESCRIBE queries" in result.output
    result = q("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--csv", "--json")
    assert result.exit_code == 2
    assert "choose one output: --csv, --tsv, --json, --xml or --format" in result.output


def test_syntax_errors_name_line_column_and_text(q) -> None:
    result = q("SELECT ?x WHERE {\n  ?x a foo:bar }")
    assert result.exit_code == 1
    assert result.output.startswith(
        'Error: SPARQL syntax error at line 2, column 15 near "foo:bar }": unknown prefix foo:'
    )
    assert len(result.output.strip().splitlines()) == 1
    result = q("SELECT ?x WHERE { ?x ?p ?v ; ?x ?q ) }", "-p", "v=1")
    assert result.output.strip() == (
        'Error: SPARQL syntax error at line 1, column 39 near "}": expected [_]'
    )
    assert "Traceback" not in result.output


def test_query_files_and_stdin(q, tmp_path: Path) -> None:
    rq = tmp_path / "mine.rq"
    rq.write_text(
        "# title: Who leads\n# param id (required): a project reference. Example: id=WAL-01\n"
        "SELECT DISTINCT ?lead WHERE { ?p dcterms:identifier ?id ; org:hasMembership ?m .\n"
        "  ?m org:role/skos:notation 'lead' ; org:member/rdfs:label ?lead }\n",
        encoding="utf-8",
    )
    result = q("-f", str(rq), "-p", "id=WAL-01", "--csv")
    assert result.exit_code == 0, result.output
    assert result.output == "lead\nCity of Cardiff Council\n"
    missing = q("-f", str(rq))
    assert missing.exit_code == 2
    assert "needs --param id=..., e.g. --param id=WAL-01" in missing.output
    piped = q("-f", "-", "--csv", input="SELECT (1 + 1 AS ?two) WHERE {}")
    assert piped.output == "two\n2\n"
    assert q("-f", str(tmp_path / "nope.rq")).exit_code == 2
    assert q("SELECT 1", "-f", str(rq)).exit_code == 2


def test_unknown_named_query(q) -> None:
    result = q("nope")
    assert result.exit_code == 2
    assert "no named query 'nope'; kgraph query --list shows them: active-in-year" in result.output


def test_timeout_gives_up_with_an_error(q) -> None:
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a org:Membership . ?b a org:Membership . "
        "FILTER(STRLEN(CONCAT(STR(?a), STR(?b))) > 0) }"
    )
    result = q(slow, "--timeout", "0.2")
    assert result.exit_code == 1
    assert "the query took longer than 0.2 s (--timeout)" in result.output


def test_help_has_examples() -> None:
    for command in ("query", "serve"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output


def test_readme_documents_the_commands() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## SPARQL", 1)[1].split("\n## ", 1)[0]
    for text in ("kgraph query --list", "kgraph query partnerships-of", "kgraph serve", "--param"):
        assert text in section
    assert readme.index("## SPARQL") < readme.index("## Where data goes")


def test_python_callers_get_rdflib_terms(store: Path) -> None:
    from rdflib import Literal, URIRef

    rows = sparql.select(
        sparql.local(ox.Store.read_only(str(store))),
        "SELECT ?o ?name WHERE { ?o kg:registerCode ?code ; rdfs:label ?name }",
        code="VGL",
    )
    assert {(r["o"], r["name"]) for r in rows} == {
        (URIRef(VGL), Literal("Vale of Glamorgan Council"))
    }
    with pytest.raises(KgraphError, match="SELECT"):
        sparql.select(sparql.local(ox.Store()), "ASK {}")


def test_updates_are_not_run(q, store: Path) -> None:
    before = triples(store)
    for update in ("DROP ALL", "INSERT DATA { <http://a> <http://b> <http://c> }", "CLEAR ALL"):
        result = q(update)
        assert result.exit_code == 2
        assert "SPARQL updates are not run here" in result.output
    assert triples(store) == before
