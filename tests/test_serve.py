"""`kgraph serve`: a read-only SPARQL 1.1 Protocol endpoint that real clients can use."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

from kgraph.serve import Endpoint
from tests.test_query import demo_store

MAX_ROWS = 40
TIMEOUT = 1.5
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a a org:Membership . ?b a org:Membership . "
    "?c a kg:SourceRecord . FILTER(STRLEN(STR(?c)) > 0) }"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory)


@pytest.fixture(scope="module")
def endpoint(store: Path):
    server = Endpoint(str(store), "127.0.0.1", 0, timeout=TIMEOUT, max_rows=MAX_ROWS, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url + "sparql"
    server.shutdown()
    server.close()
    thread.join(5)


def call(url: str, *, params=None, data=None, headers=None, method=None):
    """(status, headers, body text) of one request; HTTP errors are answers too."""
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


def triples(store: Path) -> int:
    return len(ox.Store.read_only(str(store)))


VGL_NAME = (
    "SELECT DISTINCT ?name WHERE { ?o a org:Organization ; kg:registerCode 'VGL' ; "
    "rdfs:label ?name }"
)


# -- a SPARQL protocol client -------------------------------------------------------------
def test_rdflib_sparqlstore_gets_results(endpoint: str) -> None:
    graph = Graph(SPARQLStore(endpoint))  # asks for SPARQL XML results
    names = [str(row[0]) for row in graph.query(VGL_NAME)]
    assert names == ["Vale of Glamorgan Council"]
    assert graph.query("ASK { ?p a org:OrganizationalCollaboration }").askAnswer is True
    constructed = graph.query(
        "CONSTRUCT { ?p rdfs:label ?t } WHERE { ?p dcterms:identifier 'WAL-01' ; rdfs:label ?t }"
    )
    assert {str(o) for o in constructed.graph.objects()} == {"Prosiect Gwyrdd"}


def test_rdflib_sparqlstore_with_json_and_post(endpoint: str) -> None:
    for method in ("POST", "POST_FORM"):
        graph = Graph(SPARQLStore(endpoint, returnFormat="json", method=method))
        rows = list(graph.query(VGL_NAME))
        assert [str(r[0]) for r in rows] == ["Vale of Glamorgan Council"], method


def test_rdflib_updates_are_refused_and_change_nothing(endpoint: str, store: Path) -> None:
    before = triples(store)
    client = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.update("INSERT DATA { <http://a> <http://b> <http://c> }")
    assert refused.value.code == 403
    graph = Graph(client, identifier=URIRef("https://w3id.org/kgraph/id/source/x"))
    with pytest.raises(urllib.error.HTTPError):
        graph.add((URIRef("http://a"), URIRef("http://b"), Literal("c")))
        client.commit()
    assert triples(store) == before


@pytest.mark.parametrize(
    ("how", "kwargs"),
    [
        ("form update", {"data": b"update=DROP+ALL", "form": True}),
        ("sparql-update body", {"data": b"DROP ALL", "ctype": "application/sparql-update"}),
        ("update as a query", {"params": {"query": "DROP ALL"}}),
        ("insert as a query", {"params": {"query": "INSERT DATA { <a:b> <a:b> <a:b> }"}}),
        ("update in the URL", {"params": {"update": "CLEAR ALL"}}),
    ],
)
def test_updates_are_refused_with_403(endpoint: str, store: Path, how: str, kwargs) -> None:
    before = triples(store)
    headers = {}
    if kwargs.get("form"):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if kwargs.get("ctype"):
        headers["Content-Type"] = kwargs["ctype"]
    status, _, body = call(
        endpoint, params=kwargs.get("params"), data=kwargs.get("data"), headers=headers
    )
    assert status == 403, how
    assert body == "read-only endpoint: SPARQL updates are refused\n"
    assert triples(store) == before


# -- the protocol ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json;q=0.5, text/csv;q=0.9", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_results_are_negotiated(endpoint: str, accept: str, media: str) -> None:
    status, headers, body = call(
        endpoint, params={"query": VGL_NAME}, headers={"Accept": accept} if accept else {}
    )
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media
    assert "Vale of Glamorgan Council" in body
    if media == "text/csv":
        assert body == "name\r\nVale of Glamorgan Council\r\n"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_graph_results_are_negotiated(endpoint: str, accept: str, fmt: str) -> None:
    query = (
        "CONSTRUCT { ?p rdfs:label ?t } WHERE { ?p dcterms:identifier 'WAL-01' ; rdfs:label ?t }"
    )
    status, headers, body = call(endpoint, params={"query": query}, headers={"Accept": accept})
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == accept
    assert {str(o) for o in Graph().parse(data=body, format=fmt).objects()} == {"Prosiect Gwyrdd"}


def test_format_parameter_and_unacceptable_types(endpoint: str) -> None:
    status, headers, body = call(endpoint, params={"query": VGL_NAME, "format": "tsv"})
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert body == '?name\n"Vale of Glamorgan Council"\n'
    status, _, body = call(endpoint, params={"query": VGL_NAME}, headers={"Accept": "image/png"})
    assert status == 406
    assert body.startswith("cannot answer in 'image/png'; offered: ")


def test_post_a_query_body_and_a_form(endpoint: str) -> None:
    for data, ctype in (
        (VGL_NAME.encode(), "application/sparql-query"),
        (urllib.parse.urlencode({"query": VGL_NAME}).encode(), "application/x-www-form-urlencoded"),
    ):
        status, _, body = call(
            endpoint, data=data, headers={"Content-Type": ctype, "Accept": "text/csv"}
        )
        assert (status, body) == (200, "name\r\nVale of Glamorgan Council\r\n"), ctype


def test_default_graph_uri_narrows_the_dataset(endpoint: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Source }"
    everything = json.loads(call(endpoint, params={"query": query})[2])
    assert everything["results"]["bindings"][0]["n"]["value"] == "2"
    ontology = json.loads(
        call(
            endpoint,
            params={"query": query, "default-graph-uri": "https://w3id.org/kgraph/graph/ontology"},
        )[2]
    )
    assert ontology["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "SPARQL syntax error at line 1"),
        ({"data": b"x=1", "ctype": "application/x-www-form-urlencoded"}, 400, "no query"),
        ({"data": b"query=%ff%fe", "ctype": "application/x-www-form-urlencoded"}, 400, "malformed"),
        ({"data": b"\xff\xfe", "ctype": "application/sparql-query"}, 400, "not UTF-8"),
        ({"data": b"SELECT", "ctype": "text/plain"}, 415, "POST a query as"),
        ({"data": b"query=1&query=2", "ctype": "application/x-www-form-urlencoded"}, 400, "more"),
        (
            {"params": {"query": "SELECT * WHERE { SERVICE <http://a/> { ?s ?p ?o } }"}},
            403,
            "SERVICE",
        ),
        (
            {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
            400,
            "not a graph IRI",
        ),
        ({"method": "PUT", "data": b"x"}, 405, "read-only SPARQL endpoint"),
        ({"path": "/admin"}, 404, "no such page: /admin"),
        ({"params": {"query": "ASK {}"}, "host": "evil.example"}, 403, "is not this loopback"),
    ],
)
def test_malformed_requests_get_one_line_and_no_traceback(
    endpoint: str, request_kwargs: dict, status: int, message: str
) -> None:
    url = endpoint
    if "path" in request_kwargs:
        url = endpoint.rsplit("/", 1)[0] + request_kwargs["path"]
    headers = {}
    if "ctype" in request_kwargs:
        headers["Content-Type"] = request_kwargs["ctype"]
    if "host" in request_kwargs:
        headers["Host"] = request_kwargs["host"]
    got, _, body = call(
        url,
        params=request_kwargs.get("params"),
        data=request_kwargs.get("data"),
        headers=headers,
        method=request_kwargs.get("method"),
    )
    assert got == status
    assert message in body
    assert "Traceback" not in body
    assert body.count("\n") == 1


def test_oversized_bodies_are_refused(endpoint: str) -> None:
    big = b"query=" + b"x" * (1 << 20)
    status, _, body = call(
        endpoint, data=big, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413


# -- limits ----------------------------------------------------------------------------------
def test_results_beyond_max_rows_are_cut_and_the_headers_say_so(endpoint: str) -> None:
    status, headers, body = call(
        endpoint,
        params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert status == 200
    assert len(body.strip().split("\r\n")) == 1 + MAX_ROWS
    assert headers["X-Kgraph-Truncated"] == "true"
    assert headers["X-SPARQL-MaxRows"] == str(MAX_ROWS)
    graph = call(
        endpoint,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(graph[2].strip().splitlines()) == MAX_ROWS
    assert graph[1]["X-Kgraph-Truncated"] == "true"
    small = call(endpoint, params={"query": VGL_NAME})
    assert small[1]["X-Kgraph-Truncated"] == "false"
    assert small[1]["X-Kgraph-Max-Rows"] == str(MAX_ROWS)
    assert "X-SPARQL-MaxRows" not in small[1]


def test_a_slow_query_is_stopped_with_503_and_the_endpoint_goes_on(endpoint: str) -> None:
    started = time.monotonic()
    status, _, body = call(endpoint, params={"query": SLOW})
    assert status == 503
    assert body == f"the query took longer than {TIMEOUT:g} s and was stopped (--timeout)\n"
    assert time.monotonic() - started < TIMEOUT + 2
    for _ in range(3):  # the killed worker is replaced
        assert call(endpoint, params={"query": VGL_NAME})[0] == 200


# -- the page at / ------------------------------------------------------------------------------
def test_the_form_and_html_results_escape_everything(endpoint: str) -> None:
    root = endpoint.rsplit("/", 1)[0] + "/"
    status, headers, page = call(root, headers={"Accept": "text/html"})
    assert status == 200
    assert "<form method='get' action='/sparql'>" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    hostile = 'SELECT ("<script>alert(1)</script>" AS ?x) WHERE {} # </textarea><script>'
    status, _, page = call(endpoint, params={"query": hostile}, headers={"Accept": "text/html"})
    assert status == 200
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    status, _, page = call(endpoint, params={"query": "SELECT * { <oops", "format": "html"})
    assert status == 400
    assert "<p class='error'>SPARQL syntax error" in page
    assert "&lt;oops" in page


# -- the command ---------------------------------------------------------------------------------
def test_kgraph_serve_prints_its_url_answers_and_stops_on_ctrl_c(store: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kgraph", "--store", str(store), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("SPARQL endpoint: http://127.0.0.1:")
        url = first.split()[2]
        status, _, body = call(url, params={"query": VGL_NAME}, headers={"Accept": "text/csv"})
        assert (status, body) == (200, "name\r\nVale of Glamorgan Council\r\n")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out.rstrip().endswith("stopped")
    assert "Traceback" not in err


def test_kgraph_serve_without_a_store_says_so(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kgraph.cli import cli

    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "serve"])
    assert result.exit_code == 1
    assert "no kgraph store at" in result.output
