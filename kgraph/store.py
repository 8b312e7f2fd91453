"""Open the store: an embedded Oxigraph database on disk (default) or in memory.

Reads and writes go through pyoxigraph directly (fast, transactional); `dataset()` gives
the rdflib API over the same engine (oxrdflib) for code that wants rdflib objects.
One named graph per source; queries see their union.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import re
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kgraph.errors import KgraphError, StoreBusy, disk_problem
from kgraph.vocab import ID, KG, ONTOLOGY_GRAPH, PREFIXES

if TYPE_CHECKING:
    from kgraph.remote import RemoteStore

DEFAULT_PATH = "kgraph-store"
ENV_STORE = "KGRAPH_STORE"
ENV_LOCK_TIMEOUT = "KGRAPH_LOCK_TIMEOUT"
LOCK_FILE = "kgraph.lock"
XSD_STRING = str(XSD.string)
# N-Triples or N-Quads of fewer bytes than this are well under the million quads the bulk
# loader ingests as one batch (atomically across its indexes), however short the quads
ONE_BATCH_BYTES = 32 << 20
BULK_MIN = 5000  # below this many quads one transaction is as quick as the bulk loader
PIPELINED = 1_500_000  # triples of a new graph streamed as N-Quads chunks (stream_new_graph)
FIRST_CHUNK = 50_000  # the first of those chunks; each next one is twice as large
DROP_SLICE = 50_000  # quads deleted a transaction when a graph is dropped (remove_graph)


def store_path(option: str | None) -> Path:
    """--store PATH, else $KGRAPH_STORE, else ./kgraph-store."""
    return Path(option or os.environ.get(ENV_STORE) or DEFAULT_PATH)


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term -> pyoxigraph term (a pyoxigraph term is returned as it is)."""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype or XSD.string))
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: object) -> Node:
    """pyoxigraph term -> rdflib term; xsd:string literals come back as plain literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not an RDF term: {term!r}")


def _chunks(items: Iterator[tuple], first: int) -> Iterator[list]:
    """Doubling chunks: the first load starts early, later ones are big enough to be worth
    a load of their own. Breaking off after a chunk leaves the rest in `items`."""
    size, chunk = first, []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk, size = [], size * 2
    if chunk:
        yield chunk


def _as_stored(lines: set[bytes]) -> set[bytes]:
    """N-Triples lines as Oxigraph writes them back once stored (numbers by their value)."""
    if not lines:
        return set()
    scratch = ox.Store()  # in memory
    scratch.load(input=b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
    return set(
        scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines()
    )


def _nt(q: ox.Quad | ox.Triple) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


class Store:
    """A kgraph store. Use `Store.open(path, write=True)` as a context manager for writes."""

    def __init__(self, ox_store: ox.Store, path: Path | None, writable: bool) -> None:
        self.ox = ox_store
        self.path = path
        self.writable = writable
        self._lock_fd: int | None = None
        # source graphs an import is still writing (or a killed one left): hidden from reads
        self.unfinished: frozenset[str] = frozenset()

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def memory(cls) -> Store:
        return cls(ox.Store(), None, True)

    @classmethod
    def open(cls, path: Path, *, write: bool = False, create: bool = False) -> Store:
        """Open for reading (many at once) or writing (one at a time, behind a lock file)."""
        path = Path(path)
        if not write:
            if not (path / "CURRENT").exists():
                raise KgraphError(
                    f"no kgraph store at {path}: import something first "
                    f"(kgraph import FILE) or choose one with --store / ${ENV_STORE}"
                )
            # while an import writes, RocksDB may delete a file the reader's manifest still
            # names ("Corruption: ... No such file", or an OSError "IO error: No such file
            # or directory ... 000058.sst" when compaction removed it): the writer's state
            # is fine, so try again
            for tries_left in reversed(range(21)):
                try:
                    return cls(ox.Store.read_only(str(path)), path, False)._hide_unfinished()
                except (OSError, RuntimeError) as exc:
                    if "No such file" not in str(exc) or not tries_left:
                        raise KgraphError(f"cannot open the store at {path}: {exc}") from None
                    time.sleep(0.05)
        if path.exists() and not path.is_dir():
            raise KgraphError(f"{path} is a file, not a kgraph store directory")
        if not create and not path.exists():
            raise KgraphError(f"no kgraph store at {path}")
        path.mkdir(parents=True, exist_ok=True)
        fd = _take_lock(path)
        try:
            inner = ox.Store(str(path))
        except OSError as exc:
            os.close(fd)
            if "lock" in str(exc).lower():
                raise StoreBusy(f"store {path} is busy: another process has it open") from None
            raise KgraphError(f"cannot open the store at {path}: {exc}") from None
        store = cls(inner, path, True)
        store._lock_fd = fd
        store.drop_unfinished()  # left by an import killed part-way (see _write_new_graph)
        return store

    def close(self) -> None:
        try:
            if self.writable and self.path is not None and self.ox is not None:
                self.ox.flush()
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor releases the flock
                self._lock_fd = None
            self.ox = None  # type: ignore[assignment]  # RocksDB closes when collected

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        """Closed whatever happened; a full or read-only disk, met inside the block or by
        the closing flush, becomes one line (DiskProblem) instead of a traceback."""
        try:
            self.close()
        except OSError as closing:
            if exc is None:
                problem = disk_problem(closing, self.path)
                if problem is not None:
                    raise problem from None
                raise
            # the error already on its way is the one to report, not the flush's echo of it
        if exc is not None:
            problem = disk_problem(exc, self.path)
            if problem is not None:
                raise problem from None

    # -- reading -----------------------------------------------------------------------
    def dataset(self) -> Dataset:
        """The rdflib API over this store; the default graph is the union of all graphs."""
        from oxrdflib import OxigraphStore

        return Dataset(store=OxigraphStore(store=self.ox), default_union=True)

    def select(self, query: str, **bindings: Node | str | int) -> list[dict[str, Node]]:
        """Run a SELECT over the union of all graphs; bindings are substituted as RDF terms."""
        try:
            solutions = self.ox.query(bind(query, bindings), prefixes=PREFIXES, **self.scope())
        except SyntaxError as exc:
            raise KgraphError(f"SPARQL syntax error: {exc}") from None
        names = [v.value for v in solutions.variables]
        return [
            {n: from_ox(t) for n, t in zip(names, sol, strict=True) if t is not None}
            for sol in solutions
        ]

    def ask(self, query: str, **bindings: Node | str | int) -> bool:
        return bool(self.ox.query(bind(query, bindings), prefixes=PREFIXES, **self.scope()))

    def scope(self) -> dict[str, object]:
        """pyoxigraph query arguments: the default graph is the union of the graphs a reader
        may see (every graph, unless an import is writing a new one)."""
        if not self.unfinished:
            return {"use_default_graph_as_union": True}
        visible = [
            g
            for g in self.ox.named_graphs()
            if not (isinstance(g, ox.NamedNode) and g.value in self.unfinished)
        ]
        return {"default_graph": visible, "named_graphs": visible}

    def has_graph(self, graph: URIRef) -> bool:
        return str(graph) not in self.unfinished and self.ox.contains_named_graph(
            ox.NamedNode(graph)
        )

    def graph_quads(self, graph: URIRef) -> Iterator[ox.Quad]:
        if str(graph) in self.unfinished:
            return iter(())
        return self.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            hidden = (ox.NamedNode(g) for g in self.unfinished)
            return len(self.ox) - sum(
                1 for g in hidden for _ in self.ox.quads_for_pattern(None, None, None, g)
            )
        return sum(1 for _ in self.graph_quads(graph))

    # -- writing (all or nothing per call) -------------------------------------------------
    def replace_graph(
        self,
        graph: URIRef,
        triples: Iterable[tuple[Node, Node, Node]],
        *,
        distinct_ox: bool = False,
    ) -> int:
        """Make the graph hold exactly these triples; returns the count.

        Only the difference is written, in one transaction, so re-importing an unchanged
        source touches almost nothing and a failure or kill part-way leaves the previous
        content whole. `distinct_ox`: `triples` is a set of pyoxigraph-term triples (as
        kgraph.triples builds), so a new graph can be streamed to the bulk loader as it is
        and an existing one compared as N-Triples (`_write_difference`).
        """
        g = ox.NamedNode(graph)
        if distinct_ox and isinstance(triples, set):
            if not self.has_graph(graph):
                return self._write_new_graph(g, triples)
            return self._write_difference(g, triples)
        if not isinstance(triples, set | list | tuple):
            triples = list(triples)
        try:  # pyoxigraph terms already?
            new = {ox.Quad(s, p, o, g) for s, p, o in triples}
        except TypeError:
            new = {ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples}
        if not self.has_graph(graph):
            return self._write_new_graph(g, {(q.subject, q.predicate, q.object) for q in new})
        old = set(self.ox.quads_for_pattern(None, None, None, g))
        gone, added = old - new, new - old
        if gone or added:
            self.ox.update(
                f"DELETE DATA {{ GRAPH {g} {{\n{chr(10).join(map(_nt, gone))}\n}} }} ;\n"
                f"INSERT DATA {{ GRAPH {g} {{\n{chr(10).join(map(_nt, added))}\n}} }}"
            )
        return len(new)

    def _write_difference(self, g: ox.NamedNode, triples: set[tuple]) -> int:
        """An existing graph made to hold exactly `triples` (pyoxigraph terms), in one
        transaction. Both sides are compared as lines of N-Triples, which Oxigraph writes
        for the stored graph and for the new triples alike: a million quads as Python
        objects took 7 s and ~1 GB to read and compare, their lines ~1 s.

        Oxigraph stores a number by its value ("5"^^xsd:positiveInteger is kept as
        "5"^^xsd:integer, "1.50"^^xsd:decimal as "1.5"), so a new line not among the
        stored ones may be a stored triple written another way: those lines are read back
        as Oxigraph keeps them before the two sides are compared again."""
        nt = ox.RdfFormat.N_TRIPLES
        old = set(self.ox.dump(format=nt, from_graph=g).splitlines())
        new = set(ox.serialize((ox.Triple(s, p, o) for s, p, o in triples), format=nt).splitlines())
        stored_as = _as_stored(new - old)
        added = stored_as - old
        gone = old - new - stored_as
        if gone or added:
            removed, inserted = (b"\n".join(lines).decode() for lines in (gone, added))
            self.ox.update(
                f"DELETE DATA {{ GRAPH {g} {{\n{removed}\n}} }} ;\n"
                f"INSERT DATA {{ GRAPH {g} {{\n{inserted}\n}} }}"
            )
        return len(triples)

    def _write_new_graph(self, g: ox.NamedNode, triples: set[tuple]) -> int:
        """A graph that does not exist yet: its body by the bulk loader, its description last.

        A transaction costs ~20 us a quad, the bulk loader ~5 (it writes index files and
        ingests them, each batch atomically across the indexes). The quads about the graph
        itself (a source's kg:Source description, which is what marks an import done) go
        in after the body, so a graph without its description is an import not finished:
        readers leave it out (`_hide_unfinished`), an error drops it here, and after a kill
        `drop_unfinished` does when a writer next opens the store.
        """
        head = [ox.Quad(s, p, o, g) for s, p, o in triples if s == g]
        if not head or len(triples) < BULK_MIN:
            self.ox.extend(ox.Quad(s, p, o, g) for s, p, o in triples)  # one transaction
            return len(triples)
        self._bulk_finish(g, triples, head)
        return len(triples)

    def _bulk_finish(self, g: ox.NamedNode, triples: Iterable[tuple], head: list) -> None:
        """The rest of a new graph by the bulk loader, the quads about the graph itself last."""
        try:
            self.ox.bulk_extend(ox.Quad(s, p, o, g) for s, p, o in triples if s != g)
            # an index-file ingest too, recorded after the body's: written through the log
            # instead, a reader opening meanwhile was seen with the description and no body
            # (tests/test_concurrency.py)
            self.ox.bulk_extend(head)
        except BaseException:
            self.remove_graph(URIRef(g.value))
            raise

    def stream_new_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Start a new graph from pyoxigraph-term triples that are still being made, so that
        a large import builds and writes at once on two cores.

        The first ~1.5 million triples go to the bulk loader as chunks of N-Quads, each
        loaded in a thread (Oxigraph parses and indexes them without the GIL) while Python
        builds the next. The rest of a larger graph is pulled by `bulk_extend`, whose own
        thread indexes each batch of a million while the next is built: measured faster
        than more chunks at 10 million triples, and chunks are faster below a million,
        where `bulk_extend` has one batch and nothing to overlap.

        The graph stays hidden from this store's own queries meanwhile (an importer may
        read the store as it goes) and is removed if anything fails; `finish_new_graph`
        completes it.
        """
        g = ox.NamedNode(graph)
        hidden = self.unfinished
        self.unfinished = hidden | {g.value}
        nquads = ox.RdfFormat.N_QUADS
        rest = iter(triples)
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="kgraph-load") as loader:
                loading: Future | None = None
                sent = 0
                for chunk in _chunks(rest, FIRST_CHUNK):  # our own text: parsed leniently
                    data = ox.serialize((ox.Quad(s, p, o, g) for s, p, o in chunk), format=nquads)
                    if loading is not None:
                        loading.result()
                    loading = loader.submit(
                        self.ox.bulk_load, input=data, format=nquads, lenient=True
                    )
                    sent += len(chunk)
                    if sent >= PIPELINED:
                        break
                if loading is not None:
                    loading.result()
            self.ox.bulk_extend(ox.Quad(s, p, o, g) for s, p, o in rest)
        except BaseException:
            self.remove_graph(URIRef(g.value))
            raise
        finally:
            self.unfinished = hidden

    def finish_new_graph(self, graph: URIRef, triples: set[tuple]) -> None:
        """The last triples of a streamed graph, its description among them, written last."""
        g = ox.NamedNode(graph)
        self._bulk_finish(g, triples, [ox.Quad(s, p, o, g) for s, p, o in triples if s == g])

    def load_new_graph(self, graph: URIRef, body: Path, head: bytes) -> None:
        """A new graph built elsewhere (kgraph.batch), as N-Triples loaded into `graph`: its
        body, a scratch file the bulk loader reads as it is, then `head`, the triples about
        the graph itself (see `_write_new_graph`), appended to the file where the loader
        takes it all in one batch. Parsed leniently (IRIs and language tags not checked
        again): the text was written from terms pyoxigraph had already checked, and it loads
        ~12% faster. (N-Triples rather than N-Quads: a quarter fewer bytes to write and
        parse, with the graph's name on no line.)"""
        ntriples, g = ox.RdfFormat.N_TRIPLES, ox.NamedNode(graph)
        try:
            if body.stat().st_size < ONE_BATCH_BYTES:  # one batch: ingested at once
                with body.open("ab") as scratch:
                    scratch.write(head)
                head = b""
            self.ox.bulk_load(path=body, format=ntriples, to_graph=g, lenient=True)
            if head:
                self.ox.bulk_load(input=head, format=ntriples, to_graph=g, lenient=True)
        except BaseException:
            self.remove_graph(graph)
            raise

    def unfinished_graphs(self) -> list[ox.NamedNode]:
        """Source graphs without their description: being written, or left by a kill."""
        prefix = str(ID["source/"])
        is_a, source = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.Source))
        return [
            g
            for g in self.ox.named_graphs()
            if isinstance(g, ox.NamedNode)
            and g.value.startswith(prefix)
            and next(self.ox.quads_for_pattern(g, is_a, source, g), None) is None
        ]

    def _hide_unfinished(self) -> Store:
        """A reader's view is the store as it was when opened: it leaves out the graphs an
        import had not finished, so it sees each source whole or not at all."""
        self.unfinished = frozenset(g.value for g in self.unfinished_graphs())
        return self

    def drop_unfinished(self) -> list[str]:
        """Drop source graphs an interrupted import left without their description."""
        dropped = self.unfinished_graphs()
        for g in dropped:
            self._drop(g)
        return [g.value for g in dropped]

    def remove_graph(self, graph: URIRef) -> None:
        """Drop a graph: the quads about the graph itself first (a source's description),
        in one transaction, so that readers leave it out from then on as an unfinished
        import; then the rest (`_drop`). A kill part-way leaves a graph without its
        description, which the next writer drops."""
        g = ox.NamedNode(graph)
        head = list(self.ox.quads_for_pattern(g, None, None, g))
        if head:
            self.ox.update(f"DELETE DATA {{ GRAPH {g} {{\n{chr(10).join(map(_nt, head))}\n}} }}")
        self._drop(g)

    def _drop(self, g: ox.NamedNode) -> None:
        """Delete a graph nobody reads any more in slices of DROP_SLICE quads, one
        transaction each: one DROP GRAPH of a million-quad source held it all in one
        transaction (36 s and 1.4 GB at M, about ten times that at L); slices took 24 s
        and a bounded few hundred MB."""
        while True:
            part = list(
                itertools.islice(self.ox.quads_for_pattern(None, None, None, g), DROP_SLICE)
            )
            if not part:
                break
            self.ox.update(f"DELETE DATA {{ GRAPH {g} {{\n{chr(10).join(map(_nt, part))}\n}} }}")
        self.ox.update(f"DROP SILENT GRAPH {g}")  # the empty graph's name

    def ensure_ontology(self) -> None:
        """Keep the vocabulary (concept labels, schemes) queryable beside the data."""
        from kgraph.concepts import ontology_triples

        self.replace_graph(ONTOLOGY_GRAPH, ontology_triples())


WHERE_OPEN = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def bind(query: str, bindings: dict[str, Node | str | int]) -> str:
    """Bind variables to RDF terms with VALUES at the start of the WHERE clause.

    The terms are serialised by pyoxigraph (escaped N-Triples syntax), so a value is always
    one IRI or literal, never query text. VALUES (not Oxigraph's substitutions) because
    substitution fails on variables the SELECT does not project.
    """
    if not bindings:
        return query
    match = WHERE_OPEN.search(query)
    if match is None:
        raise KgraphError("cannot bind parameters: the query has no WHERE { ... } clause")
    values = []
    for name, value in bindings.items():
        if not VARIABLE.fullmatch(name):
            raise KgraphError(f"not a SPARQL variable name: {name!r}")
        term = to_ox(value if isinstance(value, Node) else Literal(value))
        values.append(f"VALUES ?{name} {{ {term} }}")
    return f"{query[: match.end()]} {' '.join(values)} {query[match.end() :]}"


def _take_lock(path: Path) -> int:
    """One writer at a time: wait up to $KGRAPH_LOCK_TIMEOUT seconds (default 30)."""
    timeout = float(os.environ.get(ENV_LOCK_TIMEOUT, "30"))
    fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreBusy(
                    f"store {path} is busy: another kgraph import is running "
                    f"(waited {timeout:g} s; set ${ENV_LOCK_TIMEOUT} to wait longer)"
                ) from None
            time.sleep(0.1)


@contextlib.contextmanager
def opened(path: Path, *, write: bool = False, create: bool = False) -> Iterator[Store]:
    store = Store.open(path, write=write, create=create)
    try:
        yield store
    finally:
        store.close()


def open_store(
    location: object, *, write: bool = False, create: bool = False
) -> Store | RemoteStore:
    """`Store.open(...)` for a directory; a `RemoteStore` for an http(s) SPARQL endpoint URL.

    The remote store's query, update and Graph Store Protocol URLs are derived from the one
    URL and can be overridden with $KGRAPH_STORE_QUERY, $KGRAPH_STORE_UPDATE and
    $KGRAPH_STORE_GSP; see kgraph.remote for those and the authentication settings.
    """
    from kgraph.remote import RemoteStore, is_remote

    if is_remote(location):
        return RemoteStore.open(str(location), write=write, create=create)
    return Store.open(Path(str(location)), write=write, create=create)
