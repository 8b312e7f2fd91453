"""`kgraph query` and `kgraph serve`: SPARQL from the command line and a local endpoint."""

from __future__ import annotations

import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from kgraph.cli_common import CONTEXT, store_option

FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld"]
GRAPH_FORMATS = {"turtle", "ntriples", "jsonld"}
NAME = re.compile(r"[A-Za-z0-9_.-]+")


@click.command("query", context_settings=CONTEXT)
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Read the query from a .rq file ('-' for standard input).",
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (repeatable): <iri>, http(s)/urn IRIs and kgid:... are IRIs; "
    '"text"@en and "5"^^xsd:integer are literals as written; numbers, true/false and '
    "dates are typed; anything else is text.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (SPARQL 1.1 CSV results).")
@click.option("--tsv", "as_tsv", is_flag=True, help="Print TSV (terms in N-Triples syntax).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print SPARQL 1.1 Query Results JSON (JSON-LD for CONSTRUCT/DESCRIBE).",
)
@click.option("--xml", "as_xml", is_flag=True, help="Print SPARQL Query Results XML.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format; CONSTRUCT and DESCRIBE print turtle (default), ntriples or jsonld.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.option("--show", is_flag=True, help="Print the query text instead of running it.")
@click.option("--timeout", type=click.FloatRange(min=0.1), metavar="SECONDS", help="Give up after.")
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    query_file: Path | None,
    params: tuple[str, ...],
    as_csv: bool,
    as_tsv: bool,
    as_json: bool,
    as_xml: bool,
    fmt: str | None,
    list_queries: bool,
    show: bool,
    timeout: float | None,
) -> None:
    """Run a SPARQL query, a .rq file or a named query over all imported sources.

    QUERY is SPARQL text or the name of a named query (see --list). The prefixes
    kg, kgid, kgs, org, prov, skos, time, dcterms, qb, rdf, rdfs, owl and xsd are
    declared for you. Parameters are bound as RDF terms, never pasted into the text.

    \b
    Examples:
      kgraph query --list
      kgraph query partnerships-of --param org="Vale of Glamorgan Council"
      kgraph query active-in-year -p year=2015 --csv > active-2015.csv
      kgraph query 'SELECT ?name WHERE { ?o a org:Organization ; rdfs:label ?name }'
      kgraph query -f mine.rq --param org=kgid:org/la/CRF --json
      kgraph query 'CONSTRUCT { ?p ?r ?o } WHERE { ?p a org:OrganizationalCollaboration ; ?r ?o }'
      kgraph query savings-by-service --show      # the SPARQL, to read and adapt
    """
    from kgraph import sparql
    from kgraph.errors import UsageProblem

    chosen = [n for n, on in (("csv", as_csv), ("tsv", as_tsv), ("json", as_json)) if on]
    chosen += ["xml"] if as_xml else []
    chosen += [fmt] if fmt else []
    if len(chosen) > 1:
        raise UsageProblem("choose one output: --csv, --tsv, --json, --xml or --format")
    if list_queries:
        _list(chosen[0] if chosen else "table")
        return
    named = _load_query(query, query_file)
    if show:
        click.echo(named.text, nl=not named.text.endswith("\n"))
        return
    given = dict(sparql.parse_param(p) for p in params)
    form = sparql.query_form(named.text)
    out = chosen[0] if chosen else None
    if form in ("CONSTRUCT", "DESCRIBE"):
        out = {"json": "jsonld", "table": "turtle", None: "turtle"}.get(out, out)
        if out not in GRAPH_FORMATS:
            raise UsageProblem(
                f"a {form} query gives a graph: use --format turtle, ntriples or jsonld"
            )
    elif out in GRAPH_FORMATS:
        raise UsageProblem(f"--format {out} is for CONSTRUCT and DESCRIBE queries")
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        execute = sparql.remote(store) if hasattr(store, "executor") else sparql.local(store)
        try:
            for chunk in _in_background(lambda: _chunks(execute, named, given, out), timeout):
                click.echo(chunk, nl=False)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(130)


def _load_query(text: str | None, path: Path | None) -> Any:
    from kgraph import sparql
    from kgraph.errors import UsageProblem

    if text is not None and path is not None:
        raise UsageProblem("give a QUERY or --file, not both")
    if path is not None:
        if str(path) == "-":
            return sparql.load(sys.stdin.read(), "stdin")
        if not path.exists():
            raise UsageProblem(f"{path}: no such file")
        return sparql.load_file(path)
    if text is None or not text.strip():
        raise UsageProblem("give a query, a named query (kgraph query --list) or --file FILE")
    if NAME.fullmatch(text.strip()):
        named = sparql.named_queries()
        if text.strip() in named:
            return named[text.strip()]
        raise UsageProblem(
            f"no named query {text.strip()!r}; kgraph query --list shows them: " + ", ".join(named)
        )
    return sparql.load(text)


def _chunks(execute: Any, named: Any, given: dict[str, Any], fmt: str | None) -> Iterator[str]:
    from kgraph import results, sparql

    bindings = sparql.prepare(execute, named, given)
    result = sparql.run(execute, named.text, bindings)
    if result.form == "ask":
        yield results.boolean_text(bool(result.boolean), fmt or "table")
    elif result.form == "graph":
        yield results.graph_bytes(result.triples, fmt or "turtle").decode()
    else:
        yield from results.select_chunks(fmt or "table", result.variables, result.rows)


def _in_background(make: Callable[[], Iterator[str]], timeout: float | None) -> Iterator[str]:
    """Run the query in a thread so that Ctrl-C and --timeout work while pyoxigraph computes."""
    from kgraph.errors import KgraphError

    pieces: queue.Queue[Any] = queue.Queue(maxsize=64)
    done = object()

    def work() -> None:
        try:
            for piece in make():
                pieces.put(piece)
            pieces.put(done)
        except BaseException as exc:  # handed to the main thread, which raises it
            pieces.put(exc)

    threading.Thread(target=work, daemon=True, name="kgraph-query").start()
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        try:
            item = pieces.get(timeout=0.1)
        except queue.Empty:
            if deadline is not None and time.monotonic() > deadline:
                raise KgraphError(f"the query took longer than {timeout:g} s (--timeout)") from None
            continue
        if item is done:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def _list(fmt: str) -> None:
    from kgraph import sparql, tables

    queries = sparql.named_queries().values()
    if fmt == "json":
        rows: list[dict[str, object]] = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "parameters": [
                    {
                        "name": p.name,
                        "required": p.required,
                        "description": p.description,
                        "example": p.example,
                    }
                    for p in q.params
                ],
            }
            for q in queries
        ]
        click.echo(tables.as_json(rows), nl=False)
        return
    rows = [
        {
            "name": q.name,
            "title": q.title,
            "parameters": ", ".join(
                p.name + ("" if p.required else " (optional)") for p in q.params
            ),
        }
        for q in queries
    ]
    columns = ["name", "title", "parameters"]
    if fmt == "csv":
        click.echo(tables.as_csv(rows, columns), nl=False)
    else:
        click.echo(tables.as_table(rows, columns, limit=100), nl=False)
        click.echo("\nRun one: kgraph query NAME --param NAME=VALUE; see its SPARQL: --show")


@click.command("serve", context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Stop a query after this long and answer 503.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cut results after this many rows or triples (header X-Kgraph-Truncated says so).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Queries answered at once, each in its own process.",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, timeout: float, max_rows: int, workers: int
) -> None:
    """Serve the store as a read-only SPARQL 1.1 Protocol endpoint, with a query form at /.

    GET or POST a query to /sparql; the Accept header (or format=json|xml|csv|tsv|
    turtle|ntriples|jsonld) chooses the output. Updates are refused. It listens on
    127.0.0.1 only unless --host says otherwise. Ctrl-C stops it.

    \b
    Examples:
      kgraph serve
      kgraph serve --port 8000 --timeout 10 --max-rows 1000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:7878/sparql
    """
    from kgraph.errors import KgraphError
    from kgraph.remote import is_remote
    from kgraph.serve import Endpoint, _is_loopback
    from kgraph.store import open_store

    path = store_option(ctx)
    if is_remote(path):
        raise KgraphError(
            "kgraph serve works on an embedded store directory; a remote store "
            "has its own SPARQL endpoint: query that"
        )
    open_store(path).close()  # a clear error now if there is no store
    try:
        server = Endpoint(
            str(path), host, port, timeout=timeout, max_rows=max_rows, workers=workers
        )
    except OSError as exc:
        raise KgraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not _is_loopback(host):
        click.secho(
            f"warning: listening on {host}: anyone who can reach this machine can read the store",
            fg="yellow",
            err=True,
        )
    click.echo(f"SPARQL endpoint: {server.url}sparql   (query form: {server.url})")
    click.echo(f"store {path}, read-only; timeout {timeout:g} s, at most {max_rows} rows")
    click.echo("Ctrl-C stops it")
    _stop_on_signals()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("\nstopped")
    finally:
        server.close()


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the server cleanly, even when a shell started it with SIGINT
    ignored (as non-interactive shells do for background jobs)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, stop)
        except ValueError:  # not the main thread: leave the handlers alone
            return


COMMANDS = [query, serve]
