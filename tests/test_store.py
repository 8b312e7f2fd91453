"""The store keeps each source whole: replace is one transaction, writers take turns."""

from __future__ import annotations

import subprocess
import sys
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
        store.replace_graph(G, triples(4))
        store.ox.flush()
        with Store.open(store_dir) as reader:
            assert reader.count(G) == 4
