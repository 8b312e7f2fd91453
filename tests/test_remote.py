"""The remote store against real servers: same answers as the embedded store.

Each server runs once per module on loopback and a free port, and each test starts with no
kgraph graphs on it: Oxigraph server (`oxigraph serve`, in memory) and Virtuoso 7 (its own
ini in a temporary directory, a test user behind an HTTP Basic endpoint). A server whose
binary is missing or does not start is skipped, saying why.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef

from kgraph.errors import KgraphError
from kgraph.remote import BATCH, TMP_GRAPHS, RemoteStore, endpoints
from kgraph.store import Store, open_store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "compendium.csv"
KINGSTON = "Royal Borough of Kingston upon Thames"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


@dataclass
class Server:
    kind: str  # "oxigraph" or "virtuoso"
    url: str  # what --store is given
    query: str
    update: str
    env: dict[str, str] = field(default_factory=dict)
    auth: str | None = None  # an Authorization header


def _wait(proc: subprocess.Popen, ready, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.skip(f"{what} did not start within {seconds:g} s")
        time.sleep(0.1)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
        return True
    except urllib.error.HTTPError:
        return True  # it answers, if only to ask for a password
    except OSError:
        return False


@contextlib.contextmanager
def _oxigraph(tmp: Path) -> Iterator[Server]:
    binary = _binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(proc, lambda: _answers(f"{url}/query"), "oxigraph serve", 10)
        yield Server("oxigraph", url, f"{url}/query", f"{url}/update")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""
# A user allowed to update, and an endpoint that takes HTTP Basic (the stock /sparql-auth is
# Digest only); the stock dba password never leaves loopback and the temporary directory.
VIRTUOSO_SETUP = (
    "DB.DBA.USER_CREATE('kgtest', 'kgtest-pw'); GRANT SPARQL_UPDATE TO \"kgtest\"; "
    "DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/sparql-basic', "
    "ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', "
    "realm=>'SPARQL', sec=>'basic', opts=>vector('noinherit', 1));"
)


@contextlib.contextmanager
def _virtuoso(tmp: Path) -> Iterator[Server]:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.skip(
            "Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin (.ci/run does)"
        )
    sql, http = _free_port(), _free_port()
    (tmp / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=tmp, sql=sql, http=http))
    proc = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(tmp / "virtuoso.ini")],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def isql_run(command: str) -> bool:
        args = [isql, f"127.0.0.1:{sql}", "dba", "dba", "VERBOSE=OFF", f"EXEC={command}"]
        done = subprocess.run(args, capture_output=True, timeout=30, check=False)
        return done.returncode == 0 and b"Error" not in done.stdout + done.stderr

    url = f"http://127.0.0.1:{http}/sparql-basic"
    try:
        _wait(proc, lambda: isql_run("select 1;"), "virtuoso-t", 60)
        assert isql_run(VIRTUOSO_SETUP), "could not set up Virtuoso's test user and endpoint"
        _wait(proc, lambda: _answers(url), "Virtuoso's HTTP server", 30)
        token = base64.b64encode(b"kgtest:kgtest-pw").decode()
        env = {"KGRAPH_STORE_USER": "kgtest", "KGRAPH_STORE_PASSWORD": "kgtest-pw"}
        yield Server("virtuoso", url, url, url, env, f"Basic {token}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    start = _oxigraph if request.param == "oxigraph" else _virtuoso
    with start(tmp_path_factory.mktemp(request.param)) as found:
        yield found


@pytest.fixture
def remote(server: Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server's URL for --store, its settings in the environment, no kgraph data on it."""
    for name in ("QUERY", "UPDATE", "GSP", "USER", "PASSWORD", "TIMEOUT"):
        monkeypatch.delenv(f"KGRAPH_STORE_{name}", raising=False)
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    drop = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in _graphs(server))
    if drop:
        _update(server, drop)
    return server.url


def _http(server: Server, url: str, data: bytes | None, accept: str) -> bytes:
    req = urllib.request.Request(url, data=data, headers={"Accept": accept})
    if server.auth:
        req.add_header("Authorization", server.auth)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def _update(server: Server, text: str) -> None:
    _http(server, server.update, urllib.parse.urlencode({"update": text}).encode(), "*/*")


def _graphs(server: Server) -> set[str]:
    """kgraph's graphs on the server (Virtuoso keeps graphs of its own there too)."""
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    url = f"{server.query}?{urllib.parse.urlencode({'query': q})}"
    body = json.loads(_http(server, url, None, "application/sparql-results+json"))
    found = {b["g"]["value"] for b in body["results"]["bindings"]}
    return {g for g in found if g.startswith("https://w3id.org/kgraph/")}


def _run(store: str, *args: str):
    from kgraph.cli import cli

    result = CliRunner().invoke(cli, ["--store", store, *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _sources(store: str) -> list[dict[str, object]]:
    rows = json.loads(_run(store, "sources", "--json"))
    for row in rows:
        row.pop("imported", None)  # a time stamp: differs between the two imports
    return rows


def _rows(text: str) -> list[tuple[str, ...]]:
    rows = csv.reader(io.StringIO(text))
    return sorted(tuple("; ".join(sorted(cell.split("; "))) for cell in row) for row in rows)


CHECKS = [
    ("orgs", "list", "--csv"),
    ("orgs", "list", "--review", "--csv"),
    ("orgs", "show", KINGSTON),
    ("orgs", "show", KINGSTON, "--json"),
    ("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    ("query", "SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o"),
    ("query", "ASK { ?o a org:Organization }", "--json"),
    ("query", "partnerships-of", "--param", f"org={KINGSTON}"),
    ("query", "co-partners", "--param", f"org={KINGSTON}"),
    ("query", "active-in-year", "--param", "year=2012"),
    ("query", "orgs-by-partnerships"),
    ("query", "savings-by-service"),
    ("query", "sources-of", "--param", "node=kgid:org/la/KTT"),
    ("query", "partner-changes"),
    ("query", "news-events"),
    ("query", "survey-summary"),
    ("central", "--csv"),
    ("brokers", "--csv"),
    ("outcomes", "--csv"),
]


# Virtuoso's own answers that differ from the SPARQL 1.1 semantics the embedded store follows:
VIRTUOSO_DIFFERS: set[str] = set()


def test_import_and_queries_match_the_embedded_store(
    server: Server, remote: str, tmp_path: Path
) -> None:
    local = str(tmp_path / "store")
    for store in (local, remote):
        assert "19 records imported" in _run(store, "import", str(SAMPLE))
    assert _sources(remote) == _sources(local)
    for args in CHECKS:
        if server.kind == "virtuoso" and VIRTUOSO_DIFFERS.intersection(args):
            continue
        if "--json" in args:  # the same objects; key order follows the server's row order
            assert json.loads(_run(remote, *args)) == json.loads(_run(local, *args)), args
        elif args[0] == "query":  # GROUP_CONCAT order and ties are the engine's choice
            assert _rows(_run(remote, *args, "--csv")) == _rows(_run(local, *args, "--csv")), args
        elif server.kind == "virtuoso":  # it collates strings differently in ORDER BY
            assert sorted(_run(remote, *args).splitlines()) == sorted(
                _run(local, *args).splitlines()
            ), args
        else:
            assert _run(remote, *args) == _run(local, *args), args
    construct = ("query", "CONSTRUCT WHERE { ?o a org:Organization }", "--format", "ntriples")
    assert sorted(_run(remote, *construct).splitlines()) == sorted(
        _run(local, *construct).splitlines()
    )
    with Store.open(Path(local)) as embedded, open_store(remote) as far:
        assert isinstance(far, RemoteStore)
        assert far.count() == embedded.count()


def test_partner_changes_lists_the_partners_on_every_server(remote: str, tmp_path: Path) -> None:
    """Lost and gained partners (once empty on Virtuoso 7.2), with each parameter."""
    local = str(tmp_path / "store")
    for store in (local, remote):
        _run(store, "import", str(SAMPLE))
    for params in ([], ["within=0"], ["within=5"], ["org=Richmond upon Thames"]):
        args = ["query", "partner-changes", "--csv"]
        for p in params:
            args += ["--param", p]
        assert _rows(_run(remote, *args)) == _rows(_run(local, *args)), params
    rows = csv.DictReader(io.StringIO(_run(remote, "query", "partner-changes", "--csv")))
    richmond = next(r for r in rows if r["name"] == "London Borough of Richmond upon Thames")
    assert (richmond["lost"], richmond["gained"]) == (KINGSTON, "London Borough of Wandsworth")


def test_reimport_is_idempotent_and_leaves_no_temporary_graph(server: Server, remote: str) -> None:
    _run(remote, "import", str(SAMPLE))
    before = _graphs(server)
    with open_store(remote) as store:
        count = store.count()
    assert "unchanged" in _run(remote, "import", str(SAMPLE))
    assert "19 records imported" in _run(remote, "import", "--force", str(SAMPLE))
    assert _graphs(server) == before
    assert not [g for g in before if g.startswith(TMP_GRAPHS)]
    with open_store(remote) as store:
        assert store.count() == count


def test_remove_drops_the_source_graph(server: Server, remote: str) -> None:
    _run(remote, "import", str(SAMPLE))
    assert len(_graphs(server)) == 2  # the source and the ontology
    _run(remote, "remove", "compendium.csv")
    assert _graphs(server) == {"https://w3id.org/kgraph/graph/ontology"}
    assert _sources(remote) == []
    assert "0" in _run(remote, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?x a prov:Entity }")


def test_replace_graph_batches_skolemises_and_swaps(server: Server, remote: str) -> None:
    g = URIRef("https://w3id.org/kgraph/graph/test")
    n = 2 * BATCH + 7
    triples = [(URIRef(f"urn:x:{i}"), URIRef("urn:p"), Literal(i)) for i in range(n)]
    blank = BNode()
    triples += [(blank, URIRef("urn:p"), Literal("")), (URIRef("urn:y"), URIRef("urn:q"), blank)]
    with open_store(remote, write=True, create=True) as store:
        assert not store.has_graph(g)
        assert store.replace_graph(g, triples) == n + 2
        assert store.has_graph(g) and store.count(g) == n + 2
        quads = list(store.graph_quads(g))
        skolem = {q.object.value for q in quads if q.predicate.value == "urn:q"}
        assert len(skolem) == 1 and next(iter(skolem)).startswith("https://w3id.org/kgraph/")
        rows = store.select("SELECT ?o WHERE { ?x <urn:p> ?o }", x=URIRef("urn:x:3"))
        assert rows == [{"o": Literal(3)}]
        assert store.replace_graph(g, triples[:5]) == 5
        assert store.count(g) == 5
        store.remove_graph(g)
        assert not store.has_graph(g)
    assert not [x for x in _graphs(server) if x.startswith(TMP_GRAPHS)]


def test_a_result_cut_short_by_the_server_is_an_error(server: Server, remote: str) -> None:
    if server.kind != "virtuoso":
        pytest.skip("only Virtuoso caps results (ResultSetMaxRows = 10000 in the test ini)")
    _run(remote, "import", str(SAMPLE))
    with open_store(remote) as store, pytest.raises(KgraphError, match="X-SPARQL-MaxRows"):
        store.select("SELECT ?s ?p ?q WHERE { ?s ?p ?o . ?s ?q ?r }")  # ~49,000 rows


def test_long_queries_go_as_a_form_post(
    server: Server, remote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(remote, "import", str(SAMPLE))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?o a org:Organization }"
    with open_store(remote) as store:
        by_get = store.select(query)
        monkeypatch.setattr("kgraph.remote.MAX_GET", 0)
        assert store.select(query) == by_get and int(by_get[0]["n"]) > 10


def test_read_only_remote_store_refuses_writes(remote: str) -> None:
    with open_store(remote) as store, pytest.raises(KgraphError, match="read-only"):
        store.remove_graph(URIRef("https://w3id.org/kgraph/graph/x"))


def test_unreachable_server_is_one_line_error() -> None:
    from kgraph.cli import cli

    port = _free_port()
    result = CliRunner().invoke(cli, ["--store", f"http://127.0.0.1:{port}/", "orgs", "list"])
    assert result.exit_code != 0
    assert "cannot reach the remote store" in result.output
    assert "Traceback" not in result.output


def test_serve_says_it_needs_an_embedded_store(remote: str) -> None:
    from kgraph.cli import cli

    result = CliRunner().invoke(cli, ["--store", remote, "serve"])
    assert result.exit_code != 0 and "embedded store" in result.output


def test_endpoint_urls_are_derived_and_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUERY", "UPDATE", "GSP"):
        monkeypatch.delenv(f"KGRAPH_STORE_{name}", raising=False)
    assert endpoints("http://h:7878") == (
        "http://h:7878/query",
        "http://h:7878/update",
        "http://h:7878/store",
    )
    assert endpoints("http:/h:7878/query")[1] == "http://h:7878/update"  # via pathlib.Path
    assert endpoints("http://h:8890/sparql") == (
        "http://h:8890/sparql",
        "http://h:8890/sparql",
        None,
    )
    monkeypatch.setenv("KGRAPH_STORE_GSP", "http://h:8890/sparql-graph-crud-auth")
    monkeypatch.setenv("KGRAPH_STORE_UPDATE", "http://h:8890/sparql-auth")
    assert endpoints("http://h:8890/sparql")[1:] == (
        "http://h:8890/sparql-auth",
        "http://h:8890/sparql-graph-crud-auth",
    )


# -- a stub server for what Oxigraph does not do: row caps, authentication ----------------
class _Stub(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802
        _Stub.seen.append(dict(self.headers))
        if "Authorization" not in self.headers and "auth" in self.path:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="x"')
            self.end_headers()
            return
        body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if "capped" in self.path:
            self.send_header("X-SPARQL-MaxRows", "10000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Stub.seen.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_truncated_result_is_an_error_not_a_short_answer(stub: str) -> None:
    store = RemoteStore(f"{stub}/capped/sparql")
    with pytest.raises(KgraphError, match="X-SPARQL-MaxRows"):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")


def test_basic_auth_and_fixed_accept_header(stub: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRAPH_STORE_USER", "kg")
    monkeypatch.setenv("KGRAPH_STORE_PASSWORD", "s3cret")
    assert RemoteStore(f"{stub}/sparql").select("SELECT ?s WHERE { ?s ?p ?o }") == []
    headers = _Stub.seen[-1]
    assert headers["Authorization"] == "Basic a2c6czNjcmV0"
    assert headers["Accept"] == "application/sparql-results+json"
    monkeypatch.delenv("KGRAPH_STORE_USER")
    with pytest.raises(KgraphError, match="Digest"):
        RemoteStore(f"{stub}/auth/sparql").select("SELECT ?s WHERE { ?s ?p ?o }")


def test_every_request_has_a_timeout(stub: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGRAPH_STORE_TIMEOUT", "0.5")
    assert RemoteStore(f"{stub}/sparql").timeout == 0.5
    monkeypatch.setenv("KGRAPH_STORE_TIMEOUT", "soon")
    with pytest.raises(KgraphError, match="number of seconds"):
        RemoteStore(f"{stub}/sparql")
