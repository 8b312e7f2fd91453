"""Several files in one import: each read and built in a worker process, written here.

Reading a news digest or a compendium file, resolving its names and building its graph is
Python work on one core; the store's bulk loader is quicker than that. So a batch of files
is built by as many worker processes as the machine has cores, each file into N-Triples, and
this process (the store's one writer) loads them, those that arrive together at once, and
reports them in the order the files were given.

What one import promises still holds per file: its own graph, all or nothing, the same
triples, reports and errors as `kgraph.ingest.import_file`. A file is built here instead,
by `import_file`, whenever a worker's answer could differ: a source imported before (the
difference is written, or nothing when unchanged), a file whose bytes or path another file
of the batch shares, one too large to hold whole (streamed instead), an importer not from
the plugin registry, a file whose records are matched against the store (survey answers),
and any file a worker could not build (a crash falls back, a user's error does not).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kgraph.errors import KgraphError
from kgraph.hookspecs import Importer, ImportOptions
from kgraph.ingest import (
    ImportReport,
    NeedsStore,
    Progress,
    check_readable,
    collector_paused,
    complete,
    import_file,
    read_into,
    sha256_of,
    source_iri,
)
from kgraph.store import Store
from kgraph.workers import Workers, note

WORKERS_ENV = "KGRAPH_WORKERS"  # worker processes for a batch; 1 imports file after file
MAX_BYTES = 16 << 20  # a larger file is streamed to the store by this process instead
MAX_WORKERS = 8
NOTE_EVERY = 0.5  # seconds between a worker's counts of records read (progress)
POLL = 0.01  # seconds between looks at the workers while this process loads graphs

Outcome = ImportReport | KgraphError
ProgressFor = Callable[[Path], contextlib.AbstractContextManager[Progress | None]]


@dataclass(frozen=True)
class _Job:
    path: Path
    importer: str
    graph: str
    sha: str


@dataclass
class _Built:
    report: ImportReport
    body: Path  # a file of N-Triples of the graph's content, in the batch's scratch folder
    head: bytes  # N-Triples about the graph itself (its kg:Source description), loaded last


def worker_count(jobs: int, env: dict[str, str] | None = None) -> int:
    """KGRAPH_WORKERS if set (1: no workers), else one per core the process may use."""
    raw = (env if env is not None else os.environ).get(WORKERS_ENV, "").strip()
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise KgraphError(f"{WORKERS_ENV}={raw!r}: not a whole number") from None
        if wanted < 1:
            raise KgraphError(f"{WORKERS_ENV}={raw!r}: must be 1 or more")
    else:
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            wanted = os.cpu_count() or 1
        wanted = min(wanted, MAX_WORKERS)
    return max(1, min(wanted, jobs))


def import_files(
    store: Store,
    files: Sequence[tuple[Path, Importer]],
    options: ImportOptions,
    *,
    force: bool = False,
    rejects_dir: Path | None = None,
    progress_for: ProgressFor | None = None,
    workers: int | Workers | None = 1,
) -> Iterator[tuple[Path, Outcome]]:
    """Each file's report, or its one-line error, as each is written: in the order given,
    except that files whose importer reads the store (survey answers, matched against the
    partnerships the store holds) come after the others, so that they find what the
    batch brings whatever the order of the files.

    `workers`: processes building files at once; None for KGRAPH_WORKERS, else one per
    core (as `kgraph import` does); or a pool from `start_workers`, which the caller
    closes. Workers started after a store was opened in this process are spawned, which
    imports the caller's main module again: a script asking for more than one must keep
    its work under `if __name__ == "__main__":`. Files not yet yielded when the caller
    stops iterating are not written.
    """
    files = [f for f in files if not f[1].reads_store] + [f for f in files if f[1].reads_store]
    plan = _plan(store, files)
    given = workers if isinstance(workers, Workers) else None
    if given is not None:
        count = min(given.count, len(plan))
    elif workers is None:
        count = worker_count(len(plan))
    else:
        count = max(1, min(workers, len(plan)))
    scratch = _scratch_folder() if count > 1 else None
    if scratch is None:  # one process, or no temporary folder to be had: file after file
        for path, importer in files:
            yield path, _alone(store, path, importer, options, force, rejects_dir, progress_for)
        return
    with (
        contextlib.nullcontext(given)
        if given
        else Workers(count, _build, _setup_for(i for p, i in files if p in plan)) as pool,
        # the bulk loader reads a file as it is: ~20 ms less per 6 MB graph than its bytes
        # sent down the worker's pipe and copied here
        scratch as folder,
        _Loads(store, count) as loads,
    ):
        pool.feed((job.path, (job, options, rejects_dir, Path(folder))) for job in plan.values())
        held = 2 * count  # results held or being made at once

        def load_ahead() -> None:
            """Start loading the later files whose graphs are in, while an earlier file is
            still being built (a core would idle meanwhile); each is reported in its turn."""
            for key, (kind, value) in pool.finished().items():
                later = plan.get(key)  # taken from the pool once started: not in again
                ok = kind == "ok" and value is not None and later is not None
                if ok and _still_new(store, later):
                    loads.start_ahead(key, pool.result(key, held)[1])

        for path, importer in files:
            built = None
            job = plan.pop(path, None)  # a path given twice is built once
            if job is not None and loads.take_ahead(path):
                continue  # loading already, reported in order by loads.finish
            if job is not None:  # a few files ahead of this one are built meanwhile
                # while loads are under way, whichever ends first: a load (reported at
                # once, never held back behind a build) or this file's build (whose load
                # then starts beside them)
                while loads.pending and not pool.ready(path):
                    load_ahead()
                    yield from loads.finish(wait_at_most=POLL)
                load_ahead()
                kind, value = _awaited(pool, path, held, progress_for, load_ahead)
                if kind == "error":  # the file's own error, as import_file gives it
                    yield from loads.finish()
                    yield path, value
                    continue
                built = value if kind == "ok" else None  # else built here instead
            if built is None or not _still_new(store, job):
                yield from loads.finish()
                loads.wait_ahead()  # this file is written here, by the store's one writer
                yield path, _alone(store, path, importer, options, force, rejects_dir, progress_for)
                continue
            loads.start(path, built)
        yield from loads.finish()


class _Loads:
    """New graphs loaded by threads of this process, several at once, reported in the
    order they were started. Results that arrive together from the workers are loaded
    together: Oxigraph's bulk loader parses and indexes without holding the GIL, so two
    28,000-quad graphs load in 0.15 s at once against 0.27 s one after the other.

    A later file's graph may be loaded ahead, while an earlier file is still being built;
    it joins the loads to report when its turn comes (`take_ahead`).

    A load not yet reported when the batch stops (the caller stopped iterating, Ctrl-C)
    is waited for and its graph removed again: a file not reported is not written."""

    def __init__(self, store: Store, most: int) -> None:
        self._store = store
        self._threads = ThreadPoolExecutor(max_workers=most, thread_name_prefix="kgraph-load")
        self._pending: deque[tuple[Path, ImportReport, Future[None]]] = deque()
        self._ahead: dict[Path, tuple[ImportReport, Future[None]]] = {}

    def start(self, path: Path, built: _Built) -> None:
        load = self._threads.submit(self._load, built)
        self._pending.append((path, built.report, load))

    def start_ahead(self, path: Path, built: _Built) -> None:
        self._ahead[path] = (built.report, self._threads.submit(self._load, built))

    def take_ahead(self, path: Path) -> bool:
        """Whether the file's load was started ahead; if so it is now reported in order."""
        started = self._ahead.pop(path, None)
        if started is not None:
            self._pending.append((path, *started))
        return started is not None

    def wait_ahead(self) -> None:
        wait([load for _, load in self._ahead.values()])

    def _load(self, built: _Built) -> None:
        try:
            self._store.load_new_graph(built.report.source, built.body, built.head)
        finally:
            built.body.unlink(missing_ok=True)  # a large batch holds one scratch file a load

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def finish(self, wait_at_most: float | None = None) -> Iterator[tuple[Path, Outcome]]:
        """Each load's outcome in order, once it has ended; with `wait_at_most`, only those
        that end within that many seconds."""
        while self._pending:
            path, report, load = self._pending[0]
            if wait_at_most is not None and not wait([load], timeout=wait_at_most).done:
                return
            try:
                load.result()
            except KgraphError as exc:  # load_new_graph removed what it had loaded
                self._pending.popleft()
                yield path, exc
                continue
            self._pending.popleft()
            yield path, report

    def __enter__(self) -> _Loads:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            unreported = [(r, load) for _, r, load in self._pending] + list(self._ahead.values())
            self._pending.clear()
            self._ahead.clear()
            for report, load in unreported:  # not reported: not written
                wait([load])  # a bulk load cannot be stopped part-way
                if load.exception() is None:
                    self._store.remove_graph(report.source)
        finally:
            self._threads.shutdown()


def _scratch_folder() -> tempfile.TemporaryDirectory[str] | None:
    """Where workers write their graphs' bodies for this process's loader, or None."""
    try:
        return tempfile.TemporaryDirectory(prefix="kgraph-batch-")
    except OSError:
        return None


def _awaited(
    pool: Workers,
    path: Path,
    ahead: int,
    progress_for: ProgressFor | None,
    on_other: Callable[[], None] | None = None,
) -> tuple[str, object]:
    """A worker's result for a file; meanwhile its count of records read goes to the
    file's progress, as when this process reads a file."""
    with progress_for(path) if progress_for else contextlib.nullcontext() as progress:
        told = 0

        def on_note(records: int) -> None:
            nonlocal told
            if progress is not None and records > told:
                progress(records - told)
                told = records

        return pool.result(path, ahead=ahead, on_note=on_note, on_other=on_other)


def start_workers(
    files: int, workers: int | None = None, importers: Sequence[Importer] = ()
) -> Workers | None:
    """A pool for `import_files` to build a batch of `files` files, or None when one
    process will do (`workers` as for `import_files`). Start it before opening the store:
    this process's workers are then forked, ready in milliseconds with what it has loaded
    (see `kgraph.workers`), and each prepares the batch's `importers` meanwhile. The caller
    closes it (it is a context manager)."""
    count = worker_count(files) if workers is None else max(1, min(workers, files))
    if count < 2:
        return None
    return Workers(count, _build, setup=_setup_for(importers))


def _alone(
    store: Store,
    path: Path,
    importer: Importer,
    options: ImportOptions,
    force: bool,
    rejects_dir: Path | None,
    progress_for: ProgressFor | None,
) -> Outcome:
    with progress_for(path) if progress_for else contextlib.nullcontext() as progress:
        try:
            return import_file(
                store,
                path,
                importer,
                options,
                force=force,
                rejects_dir=rejects_dir,
                progress=progress,
            )
        except KgraphError as exc:
            return exc


def _plan(store: Store, files: Sequence[tuple[Path, Importer]]) -> dict[Path, _Job]:
    """The files a worker may build: new sources, each once, of registry importers."""
    if not isinstance(store, Store) or len(files) < 2:
        return {}
    from kgraph.plugins import registry

    known = registry()
    plan: dict[Path, _Job] = {}
    # sources already in the store (one query, not one a file): a file of theirs, or with
    # their bytes, is a re-import
    rows = store.select("SELECT ?g ?sha WHERE { ?g a kg:Source ; kg:sha256 ?sha }")
    seen_sha: set[str] = {str(row["sha"]) for row in rows}
    seen_graph: set[URIRef] = {URIRef(row["g"]) for row in rows}
    for path, importer in files:
        try:
            check_readable(path)
            size, sha = path.stat().st_size, sha256_of(path)
        except (KgraphError, OSError):
            continue  # import_file reports it
        graph = source_iri(path)
        shared = sha in seen_sha or graph in seen_graph  # the later one finds the earlier
        seen_sha.add(sha)
        seen_graph.add(graph)
        if (
            shared
            or size > MAX_BYTES
            or importer.reads_store  # a worker has no store to match against
            or known.importers.get(importer.name) is not importer
        ):
            continue
        if not store.has_graph(graph):
            plan[path] = _Job(path, importer.name, str(graph), sha)
    return plan


def _write_ntriples(triples: Iterable[tuple], graph: str, body: Path) -> bytes:
    """The triples as N-Triples: written to `body`, but for those about `graph` itself,
    whose lines (the head) are returned.

    Written from each term's own text (`str` of a pyoxigraph term, checked when it was
    made): the bytes `ox.serialize` writes, in 60% of the time, mostly since an `ox.Triple`
    with a literal costs ~1.5 us to make (pyoxigraph tries the other kinds of term first).
    A subject's or predicate's text is made once (a digest's 28,000 triples have ~3,600
    subjects and ~60 predicates). The graph is named when the file is loaded
    (`Store.load_new_graph`)."""
    about = f"<{graph}>"
    lines: list[str] = []
    head: list[str] = []
    text: dict[object, str] = {}
    for s, p, o in triples:
        subject = text.get(s)
        if subject is None:
            subject = text[s] = str(s)
        predicate = text.get(p)
        if predicate is None:
            predicate = text[p] = str(p)
        (head if subject == about else lines).append(f"{subject} {predicate} {o} .\n")
    with body.open("w", encoding="utf-8", newline="\n") as out:  # no joined copy held
        out.writelines(lines)
    return "".join(head).encode()


def _still_new(store: Store, job: _Job) -> bool:
    """Whether the file's graph is still absent. (No other source can have its bytes: the
    plan left out every file sharing bytes with the store or with another file.)"""
    return not store.has_graph(URIRef(job.graph))


def _setup_for(importers: Iterable[Importer]) -> Callable[[], None]:
    """A worker's set-up, by importer name (a spawned worker is sent it pickled)."""
    names = tuple(dict.fromkeys(i.name for i in importers if i.prepare is not None))
    return functools.partial(_warm_up, names)


def _warm_up(importers: tuple[str, ...] = ()) -> None:
    """Load the plugins, the register and what the named importers prepare, once per
    worker before its first file. (A worker whose parent is killed ends when it next asks
    for work: its end of the pipe is closed.)"""
    from kgraph.plugins import registry
    from kgraph.resolve import Resolver

    found = registry()
    Resolver.default()
    # A worker collects garbage cycles before each file instead of after it, when the
    # collector would run on the way back (~7 ms a digest before its graph reached the
    # parent); what the set-up loaded is frozen out of every collection.
    gc.disable()
    for name in importers:
        importer = found.importers.get(name)
        if importer is None or importer.prepare is None:
            continue  # not a registered importer: the batch builds its files itself
        with contextlib.suppress(Exception):  # the first build meets it, for its file
            importer.prepare()
    gc.freeze()


def _build(
    job: _Job, options: ImportOptions, rejects_dir: Path | None, scratch: Path
) -> _Built | None:
    """In a worker: the file's graph as N-Triples (its body in a file of `scratch`), or
    None when it needs the store."""
    from kgraph.plugins import registry
    from kgraph.resolve import Resolver
    from kgraph.triples import SourceGraph

    if not gc.isenabled():  # a worker's (see _warm_up): the cycles of its last file, which
        gc.collect(1)  # are all younger than what survived the collection before
    importer = registry().get(job.importer)
    graph = URIRef(job.graph)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = ImportReport(path=job.path, source=graph, importer=importer.name)
    out = SourceGraph(graph)
    read = 0
    last = time.monotonic()

    def counted(n: int) -> None:  # records read, told to the parent now and then
        nonlocal read, last
        read += n
        now = time.monotonic()
        if now - last >= NOTE_EVERY:
            last = now
            note(read)

    with collector_paused():
        try:
            for _ in read_into(
                out, None, job.path, importer, options, Resolver.default(), report, counted
            ):
                pass
        except NeedsStore:
            return None
        complete(
            job.path, importer, out, report, job.sha, started, rejects_dir, strict=options.strict
        )
        body = scratch / f"{job.sha}.nt"  # no two files of a batch share their bytes
        head = _write_ntriples(out.triples, job.graph, body)
    report.triples = len(out.triples)
    return _Built(report, body, head)
