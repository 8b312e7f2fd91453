"""kgraph.workers: results by key in the order asked; a dying worker loses one job only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kgraph.errors import BadInput
from kgraph.workers import Workers, note


def _job(n: int) -> int:
    if n == 3:
        raise BadInput("file3.csv", "no header")
    if n == 5:
        os._exit(7)  # the worker dies mid-job (killed, out of memory)
    if n == 6:
        raise RuntimeError("a bug")
    return n * n


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_results_errors_and_a_dead_worker(method: str) -> None:
    with Workers(2, _job, method=method) as pool:
        pool.feed((n, (n,)) for n in range(10))
        got = {n: pool.result(n, ahead=3) for n in range(10)}
    assert got[0] == ("ok", 0) and got[9] == ("ok", 81)
    kind, err = got[3]
    assert kind == "error" and isinstance(err, BadInput) and str(err) == "file3.csv: no header"
    assert got[5][0] == "lost" and "exit code 7" in got[5][1]
    assert got[6] == ("lost", "RuntimeError: a bug")
    assert [got[n] for n in (7, 8)] == [("ok", 49), ("ok", 64)]  # the other worker went on


def _counting(n: int) -> str:
    for done in range(1, n + 1):
        note(done)  # e.g. records read so far
    return f"{n} done"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_notes_reach_the_caller_while_it_waits(method: str) -> None:
    heard: list[int] = []
    with Workers(1, _counting, method=method) as pool:
        pool.feed([("a", (3,))])
        assert pool.result("a", ahead=1, on_note=heard.append) == ("ok", "3 done")
    assert heard and heard == sorted(heard) and heard[-1] <= 3  # the latest, in order


def test_every_worker_dead_leaves_the_rest_lost() -> None:
    with Workers(1, _job) as pool:
        pool.feed((n, (n,)) for n in (5, 1, 2))
        assert pool.result(5, ahead=2)[0] == "lost"
        assert pool.result(1, ahead=2) == ("lost", "no worker left")


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_workers_are_forked_only_by_a_process_without_threads() -> None:
    """An open store's RocksDB threads (which outlive it) make a fork unsafe: a process
    that opened one spawns its workers."""
    script = (
        "import tempfile, pyoxigraph\n"
        "from kgraph.workers import start_method\n"
        "print(start_method())\n"
        "store = pyoxigraph.Store(tempfile.mkdtemp())\n"
        "del store\n"
        "print(start_method())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["fork", "spawn"]


def _nap(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def test_ready_tells_whether_a_result_is_in_without_waiting() -> None:
    import time

    with Workers(2, _nap) as pool:
        pool.feed([("quick", (0.0,)), ("slow", (0.5,))])
        assert pool.result("quick", ahead=2) == ("ok", 0.0)  # both given out meanwhile
        started = time.monotonic()
        assert not pool.ready("slow")
        assert time.monotonic() - started < 0.3  # it did not wait
        deadline = time.monotonic() + 10
        while not pool.ready("slow") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.result("slow", ahead=2) == ("ok", 0.5)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_notes_of_a_result_already_in_still_reach_the_caller(method: str) -> None:
    """A job that finished while the caller looked elsewhere (`ready`) still gives its
    latest note when its result is asked for: a file's progress ends at its count."""
    import time

    heard: list[int] = []
    with Workers(1, _counting, method=method) as pool:
        pool.feed([("a", (3,))])
        pool._dispatch(ahead=1)
        deadline = time.monotonic() + 10
        while not pool.ready("a") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.result("a", ahead=1, on_note=heard.append) == ("ok", "3 done")
    assert heard == [3]
