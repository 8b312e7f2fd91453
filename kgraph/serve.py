"""`kgraph serve`: a read-only SPARQL 1.1 Protocol endpoint on the standard library's HTTP server.

Queries run in worker processes, each opening the store read-only for every query (so
imports made meanwhile are seen). A query that outlives --timeout is answered 503 and its
worker is killed and replaced: pyoxigraph cannot be interrupted, a process can. Results
beyond --max-rows are cut, and the response says so in its headers. Updates, federated
SERVICE calls and anything but GET/POST are refused; the store is never opened for writing.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import multiprocessing as mp
import queue
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kgraph import results, sparql
from kgraph.errors import KgraphError

MAX_BODY = 1 << 20  # bytes of a POST
FORMAT_NAMES = {"json", "xml", "csv", "tsv", "html", *results.GRAPH_FORMATS}
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
    "*/*": "json",
    "application/*": "json",
    "text/*": "csv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/html": "html",
    "*/*": "turtle",
    "application/*": "turtle",
    "text/*": "turtle",
}


class Refusal(Exception):
    """An HTTP error answer: status and one line for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    query: str
    fmt: str
    max_rows: int
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


# -- the worker process -------------------------------------------------------------------
def answer(store_path: str, job: Job) -> Reply:
    """Run one query on a fresh read-only view of the store and serialise the results."""
    from kgraph.store import Store

    try:  # Store.open retries the transient failure of opening while an import writes
        store = Store.open(Path(store_path))
    except KgraphError as exc:
        return _text(500, str(exc))
    try:
        result = sparql.run(
            sparql.local(store),
            job.query,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
        )
        cap = {"X-Kgraph-Max-Rows": str(job.max_rows), "X-Kgraph-Truncated": "false"}
        if result.form == "ask":
            text = results.boolean_text(bool(result.boolean), job.fmt)
            if job.fmt == "html":
                text = page(job.query, f"<p>{text.strip()}</p>")
            return Reply(200, _media(job.fmt), text.encode(), cap)
        items = list(
            islice(result.rows if result.form == "select" else result.triples, job.max_rows + 1)
        )
        if len(items) > job.max_rows:
            items = items[: job.max_rows]
            cap.update({"X-Kgraph-Truncated": "true", "X-SPARQL-MaxRows": str(job.max_rows)})
        note = (
            f"first {job.max_rows} results only (--max-rows)" if "X-SPARQL-MaxRows" in cap else ""
        )
        if result.form == "graph":
            data = results.graph_bytes(items, "turtle" if job.fmt == "html" else job.fmt)
            if job.fmt == "html":
                data = page(job.query, f"<pre>{html.escape(data.decode())}</pre>", note).encode()
            return Reply(200, _media(job.fmt), data, cap)
        if job.fmt == "html":
            return Reply(
                200,
                _media("html"),
                page(job.query, html_table(result.variables, items), note).encode(),
                cap,
            )
        if job.fmt == "csv":
            chunks = results.csv_chunks(result.variables, items, newline="\r\n")
        else:
            chunks = results.select_chunks(job.fmt, result.variables, items)
        return Reply(200, _media(job.fmt), "".join(chunks).encode(), cap)
    except KgraphError as exc:
        if job.fmt == "html":
            return Reply(400, _media("html"), page(job.query, "", error=str(exc)).encode())
        return _text(400, str(exc))


def worker_main(store_path: str, conn: Any) -> None:
    """Answer jobs from the pipe until told to stop (None) or the server goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = answer(store_path, job)
        except Exception:
            traceback.print_exc()
            reply = _text(500, "internal error while answering the query (see the server log)")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any


class Pool:
    """Worker processes; a worker whose query runs too long is killed and replaced."""

    def __init__(self, store_path: str, size: int) -> None:
        self.store_path, self.size = store_path, size
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, args=(self.store_path, child), daemon=True, name="kgraph-worker"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        self._idle.put(self._spawn())

    def run(self, job: Job, timeout: float) -> Reply:
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Refusal(503, f"all {self.size} query workers are busy: try again later") from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            self._discard(worker)
            raise Refusal(500, "the query worker stopped unexpectedly") from None
        self._discard(worker)
        raise Refusal(503, f"the query took longer than {timeout:g} s and was stopped (--timeout)")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
            worker.conn.close()


# -- HTTP ---------------------------------------------------------------------------------
class Endpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        store_path: str,
        host: str = "127.0.0.1",
        port: int = 7878,
        *,
        timeout: float = 30.0,
        max_rows: int = 10_000,
        workers: int = 2,
        quiet: bool = False,
    ) -> None:
        import socket

        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.query_timeout, self.max_rows, self.quiet = timeout, max_rows, quiet
        self.loopback = _is_loopback(host)
        self.pool = Pool(store_path, workers)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"

    def close(self) -> None:
        self.server_close()
        self.pool.close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Handler(BaseHTTPRequestHandler):
    server: Endpoint
    server_version = "kgraph-sparql"
    sys_version = ""
    timeout = 60  # seconds a client may take to send its request

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _refuse_method(self) -> None:
        self._send(_text(405, "read-only SPARQL endpoint: use GET or POST"), {"Allow": "GET, POST"})

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if not self.server.quiet:
            super().log_message(format, *args)  # escapes control characters

    def _handle(self, method: str) -> None:
        try:
            self._check_host()
            url = urlsplit(self.path)
            if url.path not in ("/", "/sparql"):
                raise Refusal(404, f"no such page: {url.path} (the endpoint is /sparql)")
            args = _form(url.query)
            if method == "POST":
                args = self._post_args(args)
            if "update" in args:
                raise Refusal(403, "read-only endpoint: SPARQL updates are refused")
            texts = args.get("query", [])
            if not texts:
                if method == "GET":
                    self._send(Reply(200, _media("html"), page(EXAMPLE).encode()))
                    return
                raise Refusal(400, "no query: send query=... (or a application/sparql-query body)")
            if len(texts) > 1:
                raise Refusal(400, "more than one query in the request")
            query = texts[0]
            form = sparql.query_form(query)
            if form == "UPDATE":
                raise Refusal(403, "read-only endpoint: SPARQL updates are refused")
            if sparql.uses_service(query):
                raise Refusal(403, "federated queries (SERVICE) are disabled on this endpoint")
            fmt = self._negotiate(args, form)
            job = Job(
                query,
                fmt,
                self.server.max_rows,
                _iris(args.get("default-graph-uri", [])),
                _iris(args.get("named-graph-uri", [])),
            )
            self._send(self.server.pool.run(job, self.server.query_timeout))
        except Refusal as exc:
            self._send(_text(exc.status, str(exc)))
        except Exception:
            traceback.print_exc()
            self._send(_text(500, "internal error (see the server log)"))

    def _check_host(self) -> None:
        """A page elsewhere must not reach a loopback endpoint by DNS rebinding."""
        host = self.headers.get("Host")
        if not host or not self.server.loopback:
            return
        name = urlsplit("//" + host).hostname or ""
        if name != "localhost" and not _is_loopback(name):
            raise Refusal(403, f"Host {host!r} is not this loopback endpoint")

    def _discard_body(self, length: int) -> None:
        """Read and drop an oversized body (up to 16 MB) so the client gets the 413 answer
        instead of a connection reset while it is still sending."""
        self.close_connection = True
        left = min(max(length, 0), 16 * MAX_BODY)
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _post_args(self, args: dict[str, list[str]]) -> dict[str, list[str]]:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise Refusal(403, "read-only endpoint: SPARQL updates are refused")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refusal(411, "a POST needs a Content-Length") from None
        if length < 0 or length > MAX_BODY:
            self._discard_body(length)
            raise Refusal(413, f"the request body is limited to {MAX_BODY} bytes")
        try:
            body = self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "the request body is not UTF-8") from None
        if ctype == "application/x-www-form-urlencoded":
            for key, values in _form(body).items():
                args.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            args.setdefault("query", []).append(body)
        else:
            raise Refusal(
                415,
                "POST a query as application/x-www-form-urlencoded (query=...) "
                "or as application/sparql-query",
            )
        return args

    def _negotiate(self, args: dict[str, list[str]], form: str | None) -> str:
        types = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SELECT_TYPES
        graph = types is GRAPH_TYPES
        asked = (args.get("format") or args.get("output") or [""])[0].strip().lower()
        if asked:
            fmt = asked if asked in FORMAT_NAMES else types.get(asked, "")
            if fmt == "json" and graph:
                fmt = "jsonld"
            if fmt not in set(types.values()):
                raise Refusal(400, f"format {asked!r} is not offered for this query")
            return fmt
        accept = self.headers.get("Accept", "").strip()
        if not accept:
            return "turtle" if graph else "json"
        for media in _preferences(accept):
            if media in types:
                return types[media]
        offered = ", ".join(sorted(k for k in types if "*" not in k))
        raise Refusal(406, f"cannot answer in {accept!r}; offered: {offered}")

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(reply.status)
            headers = {
                "Content-Type": reply.content_type,
                "Content-Length": str(len(reply.body)),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Vary": "Accept",
                **reply.headers,
                **(extra or {}),
            }
            if reply.content_type.startswith("text/html"):
                headers["Content-Security-Policy"] = (
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                )
                headers["Referrer-Policy"] = "no-referrer"
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away


def _form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=100, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, "malformed form data") from None


def _iris(values: list[str]) -> list[str]:
    import pyoxigraph as ox

    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise Refusal(400, f"not a graph IRI: {value!r}") from None
    return values


def _preferences(accept: str) -> list[str]:
    """Media types of an Accept header, best first; those with q=0 left out."""
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, i, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def _media(fmt: str) -> str:
    return "text/html; charset=utf-8" if fmt == "html" else results.MEDIA_TYPES[fmt]


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode())


# -- the page at / -------------------------------------------------------------------------
EXAMPLE = """SELECT ?name (COUNT(DISTINCT ?partnership) AS ?partnerships)
WHERE {
  ?partnership a org:OrganizationalCollaboration ; org:hasMember ?org .
  ?org rdfs:label ?name .
}
GROUP BY ?name
ORDER BY DESC(?partnerships)
LIMIT 20"""
STYLE = (
    "body{font:15px system-ui,sans-serif;margin:2em;max-width:70em}"
    "textarea{width:100%;font:14px monospace}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    ".error{color:#a00}.note{color:#850}"
)


def page(query: str, content: str = "", note: str = "", error: str = "") -> str:
    """The HTML form, with results or an error below it; every text escaped."""
    options = "".join(
        f"<option>{name}</option>"
        for name in ("html", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld")
    )
    prefixes = ", ".join(sorted(sparql.PREFIXES))
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>kgraph SPARQL</title><style>{STYLE}</style></head><body>",
        "<h1>kgraph SPARQL endpoint</h1>",
        f"<p>Read-only. Prefixes declared for you: {html.escape(prefixes)}.</p>",
        "<form method='get' action='/sparql'>",
        f"<textarea name='query' rows='12'>{html.escape(query)}</textarea>",
        f"<p><label>format <select name='format'>{options}</select></label> ",
        "<button type='submit'>Run</button></p></form>",
    ]
    if error:
        parts.append(f"<p class='error'>{html.escape(error)}</p>")
    if note:
        parts.append(f"<p class='note'>{html.escape(note)}</p>")
    parts.append(content)
    parts.append("</body></html>\n")
    return "".join(parts)


def html_table(variables: list[str], rows: list[Any]) -> str:
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(results.plain(t, short=True))}</td>" for t in row)
        + "</tr>"
        for row in rows
    )
    return f"<p>{len(rows)} rows</p><table><tr>{head}</tr>{body}</table>"
