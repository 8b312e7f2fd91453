"""The store keeps each source whole: replace is one transaction, writers take turns."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kgraph.errors import KgraphError, StoreBusy
from kgraph.store import Store

G = URIRef("https://w3id.org/kgraph/id/source/test")
S = URIRef("https://example.org/s")
P = URIRef("https://example.org/p")


def triples(n: int, tag: str = "v") -> list[tuple]:
    return [(URIRef(f"https://example.org/s{i}"), P, Literal(f"{tag}{i}")) for i in range(n)]


def test_replace_graph_holds_exactly_the_new_triples(store_dir: Path) -> None:
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(10))
        store.replace_graph(G, triples(5, "w"))
        assert store.count(G) == 5
        assert {str(q.object.value) for q in store.graph_quads(G)} == {f"w{i}" for i in range(5)}


def test_replace_graph_with_same_triples_changes_nothing(store_dir: Path) -> None:
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(10))
        before = len(store.ox)
        store.replace_graph(G, triples(10))
        assert len(store.ox) == before


@contextlib.contextmanager
def _updates_seen(store: Store, kill_at: int | None = None) -> Iterator[list[str]]:
    """The SPARQL updates the store makes meanwhile; with `kill_at`, the process is
    interrupted at that update instead of making it (as a kill would)."""
    real, seen = store.ox, []

    class Watched:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def update(self, text: str) -> None:
            seen.append(text)
            if len(seen) == kill_at:
                raise KeyboardInterrupt
            real.update(text)

    store.ox = Watched()  # type: ignore[assignment]
    try:
        yield seen
    finally:
        store.ox = real
        real = None  # a kill's traceback keeps this frame: it must not keep the store open


def test_a_source_replaced_by_itself_writes_nothing(store_dir: Path) -> None:
    """The difference is taken as Oxigraph stores terms: a line number written as
    xsd:positiveInteger (kept as xsd:integer) or a decimal "1.50" (kept as "1.5") is not
    a change, so an unchanged re-import writes nothing; a real change is written."""
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    s, p = ox.NamedNode(str(S)), ox.NamedNode(str(P))

    def graph(line: int) -> set[tuple]:
        return {
            (s, p, ox.Literal(str(line), datatype=ox.NamedNode(xsd + "positiveInteger"))),
            (
                s,
                ox.NamedNode(f"{P}/amount"),
                ox.Literal("1.50", datatype=ox.NamedNode(xsd + "decimal")),
            ),
            (s, ox.NamedNode(f"{P}/name"), ox.Literal("Merton")),
        }

    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, graph(12), distinct_ox=True)
        with _updates_seen(store) as writes:
            store.replace_graph(G, graph(12), distinct_ox=True)
            assert writes == []
            store.replace_graph(G, graph(13), distinct_ox=True)
        assert len(writes) == 1 and '"12"' in writes[0] and '"13"' in writes[0]
        lines = {str(q.object.value) for q in store.graph_quads(G) if q.predicate == p}
        assert lines == {"13"}
        assert store.count(G) == 3


def test_falsy_literals_survive_a_replace(store_dir: Path) -> None:
    """rdflib treats Literal(0) as a wildcard in remove(); our diff must not."""
    data = [(S, P, Literal(0)), (S, P, Literal("")), (S, P, Literal(False)), (S, P, Literal(1))]
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, data)
        store.replace_graph(G, data[:3])
        assert store.count(G) == 3


def test_union_of_graphs_is_queried(store_dir: Path) -> None:
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(3))
        store.replace_graph(URIRef(str(G) + "2"), triples(2, "x"))
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0]["n"]) == 5


def test_reading_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KgraphError, match="no kgraph store at"):
        Store.open(tmp_path / "nowhere")


def _reads_with(monkeypatch, read_only) -> None:
    """kgraph.store opens readers with `read_only` in place of pyoxigraph's."""
    import types

    import pyoxigraph as ox

    import kgraph.store

    shim = types.SimpleNamespace(**{n: getattr(ox, n) for n in dir(ox) if not n.startswith("_")})
    shim.Store = types.SimpleNamespace(read_only=read_only)
    monkeypatch.setattr(kgraph.store, "ox", shim)


@pytest.mark.parametrize(
    "error",
    [
        OSError("IO error: No such file or directory: While open a file for random read: "
                "store/000058.sst: No such file or directory"),
        RuntimeError("Corruption: IO error: No such file or directory: store/000012.sst"),
    ],
)  # fmt: skip
def test_a_reader_opening_while_the_writer_compacts_tries_again(
    store_dir: Path, monkeypatch, error: Exception
) -> None:
    """RocksDB may delete a file the reader's manifest still names (seen once in ~24 runs
    of tests/test_concurrency.py): the open is tried again, not reported as a failure."""
    import pyoxigraph as ox

    other = URIRef("https://example.org/graph")  # not a source: no description needed
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(other, triples(3))
    failures = [error, error]

    def read_only(path: str) -> ox.Store:
        if failures:
            raise failures.pop()
        return ox.Store.read_only(path)

    _reads_with(monkeypatch, read_only)
    with Store.open(store_dir) as reader:
        assert reader.count(other) == 3
    assert not failures


def test_a_reader_gives_up_on_a_file_that_stays_missing(store_dir: Path, monkeypatch) -> None:
    import kgraph.store

    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(3))
    tries = []

    def read_only(path: str) -> object:
        tries.append(path)
        raise OSError("IO error: No such file or directory: store/000058.sst")

    _reads_with(monkeypatch, read_only)
    monkeypatch.setattr(kgraph.store.time, "sleep", lambda _: None)
    with pytest.raises(KgraphError, match="cannot open the store at .*000058.sst"):
        Store.open(store_dir)
    assert len(tries) == 21


def test_a_reader_is_told_plainly_what_else_stops_it(store_dir: Path, monkeypatch) -> None:
    import pyoxigraph as ox

    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(3))

    def read_only(path: str) -> ox.Store:
        raise OSError("IO error: Permission denied: store/LOCK")

    _reads_with(monkeypatch, read_only)
    with pytest.raises(KgraphError, match="cannot open the store at .*Permission denied"):
        Store.open(store_dir)


def test_second_writer_is_told_the_store_is_busy(store_dir: Path) -> None:
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, triples(1))
        code = (
            "import sys; from kgraph.store import Store; from kgraph.errors import StoreBusy\n"
            f"try:\n    Store.open({str(store_dir)!r}, write=True)\n"
            "except StoreBusy as e:\n    print(e); sys.exit(3)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"KGRAPH_LOCK_TIMEOUT": "0.3", "PATH": ""},
        )
        assert done.returncode == 3, done.stderr
        assert "is busy" in done.stdout
    assert StoreBusy  # the class the CLI reports


def test_reader_sees_data_while_a_writer_holds_the_store(store_dir: Path) -> None:
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(G, _source_triples(1)[-1:] + triples(3))
        store.ox.flush()
        with Store.open(store_dir) as reader:
            assert reader.count(G) == 4


def test_a_reader_leaves_out_a_source_graph_still_being_written(store_dir: Path) -> None:
    """Between the bulk-loaded body and the description, readers see no such source."""
    import pyoxigraph as ox

    with Store.open(store_dir, write=True, create=True) as store:
        store.ox.bulk_extend(
            ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o), ox.NamedNode(G))
            for s, p, o in triples(10)
        )
        store.ox.flush()
        with Store.open(store_dir) as reader:
            assert reader.count(G) == 0 and reader.count() == 0
            assert not reader.has_graph(G)
            assert reader.select("SELECT ?s WHERE { ?s ?p ?o }") == []
            assert reader.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }") == []
            from kgraph.export import rdf

            assert rdf(reader, "nt") == b""
            assert rdf(reader, "nquads") == b""


def _source_triples(n: int) -> list[tuple]:
    """A new source graph large enough for the bulk path, with its kg:Source description."""
    from kgraph.store import BULK_MIN
    from kgraph.vocab import KG

    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return [*triples(max(n, BULK_MIN + 1)), (G, rdf_type, KG.Source)]


def test_new_large_graph_is_written_whole(store_dir: Path) -> None:
    body = _source_triples(6000)
    with Store.open(store_dir, write=True, create=True) as store:
        assert store.replace_graph(G, body) == len(body)
        assert store.count(G) == len(body)


def _built_elsewhere(folder: Path) -> tuple[Path, bytes, int]:
    """A graph as a batch's worker leaves it: body in a file, head as bytes; its size."""
    import pyoxigraph as ox

    made = [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o)) for s, p, o in triples(50)]
    body = folder / "body.nt"
    ox.serialize(made, body, format=ox.RdfFormat.N_TRIPLES)
    source, is_a, kind = _source_triples(0)[-1]  # the description: a kg:Source
    described = ox.Triple(ox.NamedNode(source), ox.NamedNode(is_a), ox.NamedNode(kind))
    head = ox.serialize([described], format=ox.RdfFormat.N_TRIPLES)
    return body, head, len(made) + 1


@pytest.mark.parametrize("one_batch", [True, False])
def test_a_graph_built_elsewhere_loads_whole(
    store_dir: Path, tmp_path: Path, monkeypatch, one_batch: bool
) -> None:
    """Small: body and head in one batch of the loader; large: the head after the body."""
    import kgraph.store

    if not one_batch:
        monkeypatch.setattr(kgraph.store, "ONE_BATCH_BYTES", 0)
    body, head, n = _built_elsewhere(tmp_path)
    with Store.open(store_dir, write=True, create=True) as store:
        store.load_new_graph(G, body, head)
        assert store.has_graph(G) and store.count(G) == n
    with Store.open(store_dir) as reader:
        assert reader.has_graph(G) and reader.count(G) == n


def test_a_graph_built_elsewhere_that_fails_to_load_leaves_nothing(
    store_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    import kgraph.store

    monkeypatch.setattr(kgraph.store, "ONE_BATCH_BYTES", 0)  # the head loaded on its own
    body, _, _ = _built_elsewhere(tmp_path)
    with Store.open(store_dir, write=True, create=True) as store:
        with pytest.raises(SyntaxError):
            store.load_new_graph(G, body, b"<not n-triples")
        assert not store.has_graph(G) and len(store.ox) == 0


def test_failed_description_write_leaves_no_body(store_dir: Path, monkeypatch) -> None:
    """The body goes in by the bulk loader; if the description cannot follow, nothing stays."""
    import pyoxigraph as ox

    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(URIRef("https://w3id.org/kgraph/id/source/other"), triples(3))
        before = len(store.ox)

        class Failing:
            """The body loads; the description after it does not."""

            def __init__(self, inner: ox.Store) -> None:
                self.inner = inner
                self.loads = 0

            def bulk_extend(self, quads: object) -> None:
                self.loads += 1
                if self.loads > 1:
                    raise OSError("disk full")
                self.inner.bulk_extend(quads)

            def __getattr__(self, name: str) -> object:
                return getattr(self.inner, name)

        store.ox = Failing(store.ox)  # type: ignore[assignment]
        with pytest.raises(OSError):
            store.replace_graph(G, _source_triples(6000))
        store.ox = store.ox.inner
        assert not store.has_graph(G)
        assert len(store.ox) == before


def test_a_removal_hides_the_source_first_and_a_killed_one_is_finished_later(
    store_dir: Path, monkeypatch
) -> None:
    """A source is removed in slices (bounded memory), its description first: from then on
    readers leave it out, and a removal killed part-way is finished by the next writer."""
    import kgraph.store as store_module

    monkeypatch.setattr(store_module, "DROP_SLICE", 7)
    other = URIRef("https://w3id.org/kgraph/id/source/other")
    body = _source_triples(6000)
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(other, [(other, *_source_triples(1)[-1][1:]), *triples(3)])
        store.replace_graph(G, body)
        # killed at the third update: the description and one slice are gone
        with pytest.raises(KeyboardInterrupt), _updates_seen(store, kill_at=3):
            store.remove_graph(G)
    with Store.open(store_dir) as reader:  # what a reader sees after the kill
        assert not reader.has_graph(G) and reader.count() == 4
    with Store.open(store_dir, write=True) as store:  # the next writer drops the rest
        assert not store.ox.contains_named_graph(store_module.ox.NamedNode(G))
        assert len(store.ox) == 4
        store.remove_graph(other)  # a whole removal, slice after slice
        assert len(store.ox) == 0 and not store.has_graph(other)


def test_graph_an_interrupted_import_left_is_dropped_by_the_next_writer(store_dir: Path) -> None:
    """A kill between the bulk-loaded body and the description leaves a source graph with no
    kg:Source: the next writer drops it, and keeps graphs that are whole."""
    import pyoxigraph as ox

    whole = URIRef("https://w3id.org/kgraph/id/source/whole")
    with Store.open(store_dir, write=True, create=True) as store:
        store.replace_graph(whole, [(whole, *_source_triples(1)[-1][1:]), *triples(3)])
        g = ox.NamedNode(G)
        store.ox.bulk_extend(
            ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o), g) for s, p, o in triples(10)
        )  # the body, then the kill
    with Store.open(store_dir, write=True) as store:
        assert not store.has_graph(G)
        assert store.count(whole) == 4
