"""A kgraph store on a SPARQL 1.1 server (Oxigraph server, Virtuoso, GraphDB, Fuseki...).

`RemoteStore` has the public surface of `kgraph.store.Store` (select, ask, has_graph,
graph_quads, count, replace_graph, remove_graph, ensure_ontology, close) over three URLs:
SPARQL 1.1 Query, SPARQL 1.1 Update and, optionally, the Graph Store Protocol. Open one
with `kgraph.store.open_store(URL)`; `--store URL` or $KGRAPH_STORE=URL does it for the CLI.

Settings (environment):
  KGRAPH_STORE_QUERY, KGRAPH_STORE_UPDATE, KGRAPH_STORE_GSP
      override the URLs derived from the endpoint URL (see `endpoints`); KGRAPH_STORE_GSP=none
      loads with INSERT DATA instead of the Graph Store Protocol.
  KGRAPH_STORE_USER, KGRAPH_STORE_PASSWORD
      HTTP Basic authentication for every request (Digest is not supported).
  KGRAPH_STORE_TIMEOUT
      seconds to wait for any one request (default 60).

What kgraph does about the servers' known traps: queries go by GET (form POST when long),
never as an application/sparql-query POST (Virtuoso never answers one); every request
has a timeout; the Accept header is fixed; loads go in batches of under 1,000 triples;
a result cut short by the server (Virtuoso's X-SPARQL-MaxRows) is an error, not a silent
truncation; blank nodes are skolemised into IRIs, so batches cannot split one apart.

Queries see the union of kgraph's own named graphs (IRIs under https://w3id.org/kgraph/),
passed as the protocol's default-graph-uri and named-graph-uri, so that other data on a
shared server, and the temporary graphs of an import in progress, stay out of the answers.
"""

from __future__ import annotations

import base64
import contextlib
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from kgraph.errors import KgraphError
from kgraph.vocab import BASE, ONTOLOGY_GRAPH, PREFIXES

ENV_QUERY = "KGRAPH_STORE_QUERY"
ENV_UPDATE = "KGRAPH_STORE_UPDATE"
ENV_GSP = "KGRAPH_STORE_GSP"
ENV_USER = "KGRAPH_STORE_USER"
ENV_PASSWORD = "KGRAPH_STORE_PASSWORD"  # noqa: S105 (a variable name)
ENV_TIMEOUT = "KGRAPH_STORE_TIMEOUT"
BATCH = 500  # triples per INSERT DATA or Graph Store Protocol POST (Virtuoso fails near 1,000)
MAX_GET = 4000  # longer queries go as a form POST
TMP_GRAPHS = BASE + "graph/tmp/"  # imports load here first, then swap
GENID = BASE + ".well-known/genid/"  # skolemised blank nodes
ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
KGRAPH_GRAPHS = f'FILTER(STRSTARTS(STR(?g), "{BASE}") && !STRSTARTS(STR(?g), "{TMP_GRAPHS}"))'


def is_remote(location: object) -> bool:
    text = str(location).lower()
    return text.startswith(("http:/", "https:/"))


def normalise_url(location: object) -> str:
    """'http:/host' (a URL that went through pathlib.Path) -> 'http://host'."""
    text = str(location)
    for scheme in ("http:/", "https:/"):
        if text.lower().startswith(scheme) and not text[len(scheme) :].startswith("/"):
            return text[: len(scheme)] + "/" + text[len(scheme) :]
    return text


def endpoints(url: str) -> tuple[str, str, str | None]:
    """One endpoint URL -> (query, update, graph store) URLs; each overridable from env.

    .../query (Oxigraph, Fuseki) -> .../update and .../store beside it; a bare server URL
    (http://host:7878/) -> /query, /update, /store under it (Oxigraph server's layout);
    any other URL (Virtuoso's /sparql, GraphDB's /repositories/NAME) serves queries and
    updates itself, and loads use INSERT DATA unless $KGRAPH_STORE_GSP names a GSP URL.
    """
    url = normalise_url(url)
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    query: str
    update: str
    gsp: str | None
    if path.endswith("/query"):
        base = url[: url.rindex("/query")]
        query, update, gsp = url, base + "/update", base + "/store"
    elif path == "":
        base = url.rstrip("/")
        query, update, gsp = base + "/query", base + "/update", base + "/store"
    else:
        query, update, gsp = url, url, None
    query = os.environ.get(ENV_QUERY) or query
    update = os.environ.get(ENV_UPDATE) or update
    given = os.environ.get(ENV_GSP)
    if given is not None:
        gsp = None if given.strip().lower() in ("", "none") else given
    return query, update, gsp


class EmbeddedOnly(KgraphError, AttributeError):
    """A feature that needs the embedded store; an AttributeError too, so that
    `getattr(store, "ox", None)` falls back to the portable path."""


class RemoteStore:
    """A kgraph store behind SPARQL 1.1 Query/Update (and Graph Store Protocol) URLs."""

    path = None

    def __init__(self, url: str, *, writable: bool = False) -> None:
        self.url = normalise_url(url)
        self.query_url, self.update_url, self.gsp_url = endpoints(self.url)
        self.writable = writable
        self.timeout = _float_env(ENV_TIMEOUT, 60.0)
        user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
        self._auth = None
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self._auth = f"Basic {token}"
        self._graphs: list[str] | None = None

    @classmethod
    def open(cls, url: str, *, write: bool = False, create: bool = False) -> RemoteStore:
        """Connect and check that the query endpoint answers (a clear error now if not)."""
        store = cls(url, writable=write)
        store._query("ASK { }", ACCEPT_RESULTS, dataset=False)
        return store

    def close(self) -> None:
        self._graphs = None

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    @property
    def ox(self) -> ox.Store:
        raise EmbeddedOnly(
            f"this command needs the embedded store; it does not work with the remote store "
            f"{self.url} (use a --store directory)"
        )

    def dataset(self) -> Any:
        return self.ox

    # -- HTTP ------------------------------------------------------------------------------
    def _request(
        self,
        url: str,
        *,
        data: bytes | None = None,
        method: str = "GET",
        headers: dict[str, str] | None = None,
    ) -> tuple[bytes, Any]:
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http(s) only)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if self._auth:
            request.add_header("Authorization", self._auth)
        where = urllib.parse.urlsplit(url)._replace(query="").geturl()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.read(), response.headers
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip()
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.headers else ""
            if exc.code == 401:
                hint = (
                    "the server asks for Digest authentication; kgraph sends Basic only"
                    if challenge.lower().startswith("digest")
                    else f"set ${ENV_USER} and ${ENV_PASSWORD}"
                    if not self._auth
                    else "check the user name and password"
                )
                raise KgraphError(
                    f"remote store {where}: not authorised (HTTP 401): {hint}"
                ) from None
            first = " ".join(body.split())[:300]
            raise KgraphError(
                f"remote store {where}: HTTP {exc.code} {exc.reason}"
                + (f": {first}" if first else "")
            ) from None
        except TimeoutError:
            raise KgraphError(
                f"remote store {where} did not answer within {self.timeout:g} s "
                f"(set ${ENV_TIMEOUT} to wait longer)"
            ) from None
        except urllib.error.URLError as exc:
            reason = getattr(exc.reason, "strerror", None) or exc.reason
            raise KgraphError(f"cannot reach the remote store at {where}: {reason}") from None
        except OSError as exc:
            raise KgraphError(f"remote store {where}: {exc.strerror or exc}") from None

    def _query(
        self,
        text: str,
        accept: str,
        *,
        dataset: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> tuple[bytes, Any]:
        """Send a query (GET, or form POST when long) with a fixed Accept header."""
        params: list[tuple[str, str]] = [("query", PROLOGUE + text)]
        if default_graphs or named_graphs:
            params += [("default-graph-uri", g) for g in default_graphs or []]
            params += [("named-graph-uri", g) for g in named_graphs or []]
        elif dataset:
            graphs = self.graphs()
            params += [("default-graph-uri", g) for g in graphs]
            params += [("named-graph-uri", g) for g in graphs]
        encoded = urllib.parse.urlencode(params)
        headers = {"Accept": accept}
        if len(encoded) + len(self.query_url) < MAX_GET:
            sep = "&" if "?" in self.query_url else "?"
            body, head = self._request(f"{self.query_url}{sep}{encoded}", headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body, head = self._request(
                self.query_url, data=encoded.encode(), method="POST", headers=headers
            )
        cap = head.get("X-SPARQL-MaxRows") if head is not None else None
        if cap:
            raise KgraphError(
                f"remote store {self.query_url} cut the result short at {cap} rows "
                "(X-SPARQL-MaxRows): raise ResultSetMaxRows in the server's [SPARQL] settings, "
                "or narrow the query with LIMIT and OFFSET"
            )
        return body, head

    def _update(self, text: str) -> None:
        if not self.writable:
            raise KgraphError(f"remote store {self.url} was opened read-only")
        data = urllib.parse.urlencode({"update": text}).encode()
        self._request(
            self.update_url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
        )

    # -- reading ---------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        """kgraph's named graphs on the server (cached until this store writes)."""
        if self._graphs is None:
            body, _ = self._query(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {KGRAPH_GRAPHS} }}",
                ACCEPT_RESULTS,
                dataset=False,
            )
            found = {str(row["g"].value) for row in _solutions(body, self.query_url)}
            # always name one graph, or some servers (Virtuoso) fall back to all their data
            self._graphs = sorted(found | {str(ONTOLOGY_GRAPH)})
        return self._graphs

    def executor(self):  # -> kgraph.sparql.Execute
        """The `kgraph.sparql.Execute` seam over this server: text -> pyoxigraph results."""

        def execute(
            text: str,
            default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None,
        ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
            from kgraph.sparql import query_form

            graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
            try:
                body, head = self._query(
                    text,
                    ACCEPT_GRAPH if graph else ACCEPT_RESULTS,
                    default_graphs=default_graphs,
                    named_graphs=named_graphs,
                )
            except KgraphError as exc:
                if "HTTP 400" in str(exc):
                    _local_syntax_check(text)  # raises SyntaxError with line and column
                raise
            if graph:
                return _as_query_triples(_triples(body, head, self.query_url))
            if query_form(text) == "ASK":
                answer = "true" if _boolean(body, self.query_url) else "false"
                return ox.parse_query_results(
                    f'{{"head":{{}},"boolean":{answer}}}', ox.QueryResultsFormat.JSON
                )
            return _results(body, self.query_url)

        return execute

    def select(self, query: str, **bindings: Node | str | int) -> list[dict[str, Node]]:
        from kgraph.store import bind, from_ox

        body, _ = self._query(bind(query, bindings), ACCEPT_RESULTS)
        solutions = _results(body, self.query_url)
        if isinstance(solutions, ox.QueryBoolean):
            raise KgraphError("expected a SELECT query, got an ASK result")
        names = [v.value for v in solutions.variables]
        return [
            {n: from_ox(t) for n, t in zip(names, sol, strict=True) if t is not None}
            for sol in solutions
        ]

    def ask(self, query: str, **bindings: Node | str | int) -> bool:
        from kgraph.store import bind

        body, _ = self._query(bind(query, bindings), ACCEPT_RESULTS)
        return _boolean(body, self.query_url)

    def has_graph(self, graph: URIRef) -> bool:
        body, _ = self._query(
            f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}", ACCEPT_RESULTS, dataset=False
        )
        return _boolean(body, self.query_url)

    def graph_quads(self, graph: URIRef) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph)
        if self.gsp_url:
            sep = "&" if "?" in self.gsp_url else "?"
            url = f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': str(graph)})}"
            try:
                body, head = self._request(url, headers={"Accept": ACCEPT_GRAPH})
            except KgraphError as exc:
                if "HTTP 404" in str(exc):
                    return iter(())
                raise
        else:
            body, head = self._query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}",
                ACCEPT_GRAPH,
                dataset=False,
            )
        return (
            ox.Quad(t.subject, t.predicate, t.object, g) for t in _triples(body, head, self.url)
        )

    def count(self, graph: URIRef | None = None) -> int:
        where = (
            f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
            if graph is not None
            else f"GRAPH ?g {{ ?s ?p ?o }} {KGRAPH_GRAPHS}"
        )
        body, _ = self._query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", ACCEPT_RESULTS, dataset=False
        )
        rows = list(_results(body, self.query_url))  # type: ignore[arg-type]
        return int(rows[0]["n"].value) if rows else 0

    # -- writing ---------------------------------------------------------------------------
    def replace_graph(
        self,
        graph: URIRef,
        triples: Iterable[tuple[Node, Node, Node]],
        *,
        distinct_ox: bool = False,  # the embedded store's fast path; every load here batches
    ) -> int:
        """Make the graph hold exactly these triples; returns the count.

        Loads into a fresh temporary graph in batches, checks the count arrived, then swaps
        with one update (DROP the old graph, MOVE the new one in). Queries never see the
        temporary graph; a failure before the swap leaves the old content whole.
        """
        from kgraph.store import to_ox

        skolem: dict[str, ox.NamedNode] = {}

        def term(node: Node) -> Any:
            if isinstance(node, BNode):
                if str(node) not in skolem:
                    skolem[str(node)] = ox.NamedNode(GENID + uuid.uuid4().hex)
                return skolem[str(node)]
            return to_ox(node)

        lines = sorted({f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples})
        target = ox.NamedNode(graph)
        if self.count(graph) == len(lines) and lines:
            current = {f"{q.subject} {q.predicate} {q.object} ." for q in self.graph_quads(graph)}
            if current == set(lines):
                return len(lines)  # unchanged: write nothing
        if not self.writable:
            raise KgraphError(f"remote store {self.url} was opened read-only")
        tmp = ox.NamedNode(TMP_GRAPHS + uuid.uuid4().hex)
        try:
            for start in range(0, len(lines), BATCH):
                self._load(tmp, lines[start : start + BATCH])
            arrived = self.count(URIRef(tmp.value))
            if arrived != len(lines):
                raise KgraphError(
                    f"remote store {self.url}: loaded {len(lines)} triples into {tmp.value} "
                    f"but it holds {arrived}; {graph} was left as it was"
                )
            if lines:
                self._update(f"DROP SILENT GRAPH {target} ;\nMOVE SILENT GRAPH {tmp} TO {target}")
            else:
                self._update(f"DROP SILENT GRAPH {target}")
        except BaseException:
            with contextlib.suppress(KgraphError):  # queries ignore temporary graphs anyway
                self._update(f"DROP SILENT GRAPH {tmp}")
            raise
        finally:
            self._graphs = None
        return len(lines)

    def _load(self, graph: ox.NamedNode, lines: list[str]) -> None:
        if self.gsp_url:
            sep = "&" if "?" in self.gsp_url else "?"
            url = f"{self.gsp_url}{sep}{urllib.parse.urlencode({'graph': graph.value})}"
            self._request(
                url,
                data=("\n".join(lines) + "\n").encode(),
                method="POST",
                headers={"Content-Type": "application/n-triples", "Accept": "*/*"},
            )
        else:
            self._update(f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(lines) + "\n} }")

    def remove_graph(self, graph: URIRef) -> None:
        try:
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        finally:
            self._graphs = None

    def ensure_ontology(self) -> None:
        from kgraph.concepts import ontology_triples

        self.replace_graph(ONTOLOGY_GRAPH, ontology_triples())


# -- parsing ---------------------------------------------------------------------------------
def _results(body: bytes, where: str) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        start = " ".join(body[:120].decode("utf-8", "replace").split())
        raise KgraphError(
            f"remote store {where} sent results kgraph cannot read ({exc}): {start!r}"
        ) from None


def _boolean(body: bytes, where: str) -> bool:
    """An ASK answer; Virtuoso answers some ASKs as one row with 1 or 0."""
    out = _results(body, where)
    if isinstance(out, ox.QueryBoolean):
        return bool(out)
    for row in out:
        value = row[0]
        return value is not None and value.value not in ("0", "false")
    return False


def _solutions(body: bytes, where: str) -> list[ox.QuerySolution]:
    out = _results(body, where)
    if isinstance(out, ox.QueryBoolean):
        raise KgraphError(f"remote store {where} answered a SELECT with a boolean")
    return list(out)


def _triples(body: bytes, head: Any, where: str) -> list[ox.Triple]:
    ctype = (head.get("Content-Type", "") if head is not None else "").split(";")[0].strip().lower()
    fmt = RDF_FORMATS.get(ctype, ox.RdfFormat.N_TRIPLES)
    try:
        return [q.triple for q in ox.parse(body, fmt)]
    except (SyntaxError, ValueError) as exc:
        raise KgraphError(f"remote store {where} sent RDF kgraph cannot read ({exc})") from None


def _as_query_triples(triples: list[ox.Triple]) -> ox.QueryTriples:
    """Triples -> the pyoxigraph QueryTriples a CONSTRUCT on the embedded store returns."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")  # type: ignore[return-value]


def _local_syntax_check(text: str) -> None:
    """Parse with Oxigraph so that a syntax error names its line and column."""
    ox.Store().query(text, prefixes=PREFIXES)


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise KgraphError(f"${name} must be a number of seconds, got {value!r}") from None
