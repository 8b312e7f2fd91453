"""Concurrent use: imports take turns behind the lock (a clear "store is busy" after
$KGRAPH_LOCK_TIMEOUT), and a reader during an import sees the old or the new state of a
source, never half of it."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgraph.ingest import source_iri
from kgraph.store import LOCK_FILE, Store
from tests.test_crash import sources_are_whole, write_compendium

pytestmark = pytest.mark.slow
CMD = [sys.executable, "-m", "kgraph"]


def _env(timeout: float) -> dict[str, str]:
    return {**os.environ, "KGRAPH_LOCK_TIMEOUT": str(timeout)}


def _import(store_dir: Path, path: Path, timeout: float) -> subprocess.Popen:
    return subprocess.Popen(
        [*CMD, "--store", str(store_dir), "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(timeout),
    )


def _wait_for_lock_held(store_dir: Path, proc: subprocess.Popen, limit: float = 30) -> None:
    """Until the import holds the writer's lock (probing it releases it at once)."""
    deadline = time.monotonic() + limit
    lock = store_dir / LOCK_FILE
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the import ended before it could be observed"
        if lock.exists():
            fd = os.open(lock, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        time.sleep(0.02)
    raise AssertionError("the import never took the lock")


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    store_dir = tmp_path / "store"
    base = tmp_path / "base.csv"
    write_compendium(base, 20, seed=0)
    subprocess.run(
        [*CMD, "--store", str(store_dir), "import", str(base)],
        check=True,
        capture_output=True,
        env=_env(5),
    )
    return store_dir


def test_two_imports_at_once_take_turns(seeded: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_compendium(first, 1500, seed=1)
    write_compendium(second, 200, seed=2)
    a = _import(seeded, first, 120)
    _wait_for_lock_held(seeded, a)
    b = _import(seeded, second, 120)  # waits for the first, then runs
    out_a, err_a = a.communicate(timeout=300)
    out_b, err_b = b.communicate(timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    assert "1500 records imported" in out_a and "200 records imported" in out_b
    assert sources_are_whole(seeded) == ["base.csv", "first.csv", "second.csv"]


def test_a_second_import_is_told_the_store_is_busy(seeded: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_compendium(first, 10_000, seed=3)  # seconds of work, however fast imports get
    write_compendium(second, 10, seed=4)
    a = _import(seeded, first, 120)
    _wait_for_lock_held(seeded, a)
    b = _import(seeded, second, 0.2)
    out_b, err_b = b.communicate(timeout=60)
    a.communicate(timeout=300)
    assert a.returncode == 0
    assert b.returncode == 1
    lines = err_b.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err_b, err_b
    assert "is busy" in lines[0] and "KGRAPH_LOCK_TIMEOUT" in lines[0], lines[0]
    assert sources_are_whole(seeded) == ["base.csv", "first.csv"]


def _poll_counts(store_dir: Path, graph, proc: subprocess.Popen) -> list[int]:
    seen = []
    while proc.poll() is None:
        try:
            with Store.open(store_dir) as reader:
                seen.append(reader.count(graph))
        except Exception as exc:  # noqa: BLE001 - reported below
            seen.append(-1)
            print(f"reader failed: {exc!r}")
        time.sleep(0.01)
    return seen


def test_a_reader_sees_a_source_whole_or_not_at_all(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    write_compendium(path, 1500, seed=5)
    graph = source_iri(path)
    proc = _import(seeded, path, 60)
    seen = _poll_counts(seeded, graph, proc)
    assert proc.wait() == 0
    with Store.open(seeded) as store:
        final = store.count(graph)
    assert final > 0 and len(seen) >= 5, f"{final} triples, {len(seen)} polls: {seen[:20]}"
    assert set(seen) <= {0, final}, sorted(set(seen))

    # re-importing a changed file: the reader sees the old graph or the new one
    write_compendium(path, 1200, seed=6)
    proc = _import(seeded, path, 60)
    seen = _poll_counts(seeded, graph, proc)
    assert proc.wait() == 0
    with Store.open(seeded) as store:
        new = store.count(graph)
    assert new != final
    assert set(seen) <= {final, new}, sorted(set(seen))


def test_the_endpoint_answers_during_an_import(seeded: Path, tmp_path: Path) -> None:
    """Every query the endpoint answers while an import runs is 200, with the old or the
    new count of the source's triples (opening a view mid-write is retried, not a 500)."""
    import json
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from kgraph.serve import Endpoint

    path = tmp_path / "served.csv"
    write_compendium(path, 1500, seed=7)
    graph = source_iri(path)
    server = Endpoint(str(seeded), "127.0.0.1", 0, timeout=30, max_rows=100, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = server.url + "sparql?" + urllib.parse.urlencode({"query": query})
    seen, statuses = [], []
    try:
        proc = _import(seeded, path, 60)
        while proc.poll() is None:
            request = urllib.request.Request(url, headers={"Accept": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
                    body = json.loads(response.read())
                    seen.append(int(body["results"]["bindings"][0]["n"]["value"]))
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        assert proc.wait() == 0
    finally:
        server.shutdown()
        server.close()
        thread.join(5)
    with Store.open(seeded) as store:
        final = store.count(graph)
    assert statuses and set(statuses) == {200}, statuses
    assert set(seen) <= {0, final}, sorted(set(seen))
