"""Worker processes, each with a pipe of its own: one job at a time, results by key.

concurrent.futures' process pool shares one queue between its workers; on Python 3.11 a
worker killed while another was sending a large result left the pool joining a worker
that could never finish sending (a hang, found by tests/test_batch.py). Here a worker that
dies loses its one job ("lost") and nothing else: the caller does that job itself.

Workers are forked where that is safe (Linux, and no other thread in this process): a fork
starts in milliseconds with the modules and caches this process has loaded, where a spawned
interpreter takes ~0.3 s to import kgraph and load the register again. A thread's lock held
at the fork would stay locked in the child for ever, and pyoxigraph's store starts RocksDB
threads that outlive it, so a process that has opened a store spawns its workers instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from multiprocessing.connection import Connection, wait
from typing import Any

from kgraph.errors import KgraphError

# (kind, value): ("ok", what `work` returned), ("error", the KgraphError it raised) or
# ("lost", why: the worker died, or `work` failed in another way). A worker also sends
# ("note", value) for each `note` its job makes; those go to `on_note`, not to results.
Result = tuple[str, Any]
_NOTHING = object()
_job: tuple[Connection, Hashable] | None = None  # in a worker: the pipe and key of its job


def note(value: Any) -> None:
    """From `work` in a worker: tell the caller how its job goes (a count of records read,
    say), delivered to `result`'s `on_note`. Elsewhere nothing."""
    if _job is not None:
        conn, key = _job
        with contextlib.suppress(OSError, ValueError):  # the parent is gone: the job ends soon
            conn.send((key, ("note", value)))


def start_method() -> str:
    """How to start workers: "fork" when this process has no other thread (Linux only:
    /proc lists its threads), else "spawn"."""
    if sys.platform != "linux":
        return "spawn"  # macOS's system libraries are not fork-safe either
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "spawn"
    return "fork" if threads == 1 else "spawn"


class Workers:
    """`count` processes running `work(*args)` for jobs given by `feed`.

    `method` is multiprocessing's start method; by default `start_method()`. A spawned
    worker imports the caller's main module again, so a script must then keep its work
    under `if __name__ == "__main__":`.
    """

    def __init__(
        self,
        count: int,
        work: Callable,
        setup: Callable[[], None] | None = None,
        method: str | None = None,
    ):
        self.method = method or start_method()
        context = multiprocessing.get_context(self.method)
        self._idle: list[tuple[Any, Connection]] = []
        self._busy: dict[Connection, tuple[Any, Hashable]] = {}
        self._all: list[tuple[Any, Connection]] = []
        self._jobs: deque[tuple[Hashable, tuple]] = deque()
        self._done: dict[Hashable, Result] = {}
        self._notes: dict[Hashable, Any] = {}  # the latest note of each job not yet asked for
        self.count = count
        for _ in range(count):
            mine, theirs = context.Pipe()
            # a forked worker inherits the pipes to the workers before it: it closes them,
            # so that each worker sees its own pipe end when this process does
            others = [c for _, c in self._all] + [mine] if self.method == "fork" else []
            proc = context.Process(
                target=_serve,
                args=(theirs, work, setup, others),
                daemon=True,
                name="kgraph-worker",
            )
            proc.start()
            theirs.close()
            self._all.append((proc, mine))
            self._idle.append((proc, mine))

    def feed(self, jobs: Iterable[tuple[Hashable, tuple]]) -> None:
        """Jobs as (key, args), in the order their results will be asked for."""
        self._jobs.extend(jobs)

    def result(
        self,
        key: Hashable,
        ahead: int,
        on_note: Callable[[Any], None] | None = None,
        on_other: Callable[[], None] | None = None,
    ) -> Result:
        """The result for `key`, waiting for it; other jobs run meanwhile, with at most
        `ahead` results held or being made at once. `on_note` gets the job's latest `note`
        while it is awaited, and the last one heard before (while nobody waited for it);
        `on_other` is called whenever another job's result comes in meanwhile (it may take
        results that are in, see `finished`)."""
        while True:
            latest = self._notes.pop(key, _NOTHING)
            if latest is not _NOTHING and on_note is not None:
                on_note(latest)
            if key in self._done:
                return self._done.pop(key)
            self._dispatch(ahead)
            if key in self._done:
                continue
            if not self._busy:  # never given to a worker (every worker died)
                return ("lost", "no worker left")
            before = len(self._done)
            self._collect()
            if on_other is not None and key not in self._done and len(self._done) > before:
                on_other()

    def finished(self) -> dict[Hashable, Result]:
        """The results that are in and not yet taken, by key (a copy: take one with
        `result`, which then returns at once)."""
        return dict(self._done)

    def ready(self, key: Hashable) -> bool:
        """Whether the result for `key` is in, without waiting for it."""
        if key not in self._done and self._busy:
            self._collect(timeout=0)
        return key in self._done

    def _dispatch(self, ahead: int) -> None:
        while self._idle and self._jobs and len(self._done) + len(self._busy) < ahead:
            proc, conn = self._idle.pop()
            key, args = self._jobs[0]
            try:
                conn.send((key, args))
            except (OSError, ValueError):  # the worker is gone: the job waits for another
                continue
            self._jobs.popleft()
            self._busy[conn] = (proc, key)

    def _collect(self, timeout: float | None = None) -> None:
        """Wait for a result or a worker's end (at most `timeout` seconds if given); a dead
        worker's job is "lost"."""
        sentinels = {proc.sentinel: conn for conn, (proc, _) in self._busy.items()}
        for ready in wait([*self._busy, *sentinels], timeout):
            conn = ready if isinstance(ready, Connection) else sentinels[ready]
            if conn not in self._busy:
                continue  # both its pipe and its sentinel were ready
            proc, key = self._busy[conn]
            try:
                got_key, result = conn.recv()
            except (EOFError, OSError):
                del self._busy[conn]
                proc.join(timeout=1)
                self._done[key] = ("lost", f"the worker ended (exit code {proc.exitcode})")
                continue
            except Exception as exc:  # a result that cannot be unpickled here
                got_key, result = key, ("lost", f"{type(exc).__name__}: {exc}")
            if result[0] == "note":  # the job goes on
                self._notes[got_key] = result[1]
                continue
            del self._busy[conn]
            self._done[got_key] = result
            if proc.is_alive():
                self._idle.append((proc, conn))

    def close(self) -> None:
        """Ask every worker to end; those that do not within a second are terminated."""
        for _, conn in self._all:
            with contextlib.suppress(OSError, ValueError):  # already gone
                conn.send(None)
            conn.close()
        for proc, _ in self._all:
            proc.join(timeout=1)
            if proc.is_alive():
                proc.terminate()
                proc.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(
    conn: Connection,
    work: Callable,
    setup: Callable[[], None] | None,
    others: list[Connection],
) -> None:
    """A worker: set up once, then one job at a time until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for other in others:  # the parent's ends, inherited by a fork
        other.close()
    if setup is not None:
        setup()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        key, args = message
        global _job
        _job = (conn, key)
        try:
            result: Result = ("ok", work(*args))
        except KgraphError as exc:
            result = ("error", exc)
        except Exception as exc:  # a bug: the parent does the job itself, and reports it
            result = ("lost", f"{type(exc).__name__}: {exc}")
        _job = None
        try:
            conn.send((key, result))
        except (OSError, ValueError):  # the parent is gone
            return
        except Exception as exc:  # the result could not be pickled
            conn.send((key, ("lost", f"{type(exc).__name__}: {exc}")))
