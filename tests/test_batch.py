"""Several files in one import: built by worker processes, written in order, each file's
outcome exactly what importing it alone gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.batch import import_files, worker_count
from kgraph.errors import BadInput, KgraphError, StrictRejects
from kgraph.hookspecs import ImportOptions
from kgraph.ingest import ImportReport
from kgraph.plugins import registry
from kgraph.store import Store

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"


def _quads(store_dir: Path) -> list[str]:
    """The store's quads without the import times (which differ run to run)."""
    with Store.open(store_dir) as store:
        return sorted(
            str(q)
            for q in store.ox
            if not any(w in str(q.predicate) for w in ("AtTime", "importedAt"))
        )


def _run(store_dir: Path, files: list[Path], workers: int, **kw) -> list[tuple[Path, object]]:
    reg = registry()
    jobs = [(path, reg.choose(path)) for path in files]
    with Store.open(store_dir, write=True, create=True) as store:
        store.ensure_ontology()
        return list(import_files(store, jobs, ImportOptions(**kw), workers=workers))


def _summary(outcomes: list[tuple[Path, object]]) -> list[tuple[str, object]]:
    out = []
    for path, o in outcomes:
        if isinstance(o, ImportReport):
            out.append((path.name, (o.records, len(o.rejects), o.triples, o.unchanged, o.review)))
        else:
            out.append((path.name, (type(o).__name__, str(o))))
    return out


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """News of two shapes, a compendium, a survey (linked to what came before), a file with
    no good record and a copy of the first file's bytes under another name."""
    folder = tmp_path / "in"
    folder.mkdir()
    files = [
        DATA / "news" / "weekly_digest.txt",
        DATA / "news" / "article.txt",
        SAMPLE / "compendium.csv",
        DATA / "survey" / "improved_services.csv",
        DATA / "news" / "table_like.txt",
    ]
    copies = [Path(shutil.copy(f, folder / f.name)) for f in files]
    empty = folder / "empty.csv"  # a compendium whose one row names one partner
    empty.write_text(
        "Project Title,Lead Body,Partner Bodies,Start\nAlone,Merton,,2011\n", encoding="utf-8"
    )
    twin = folder / "digest-again.txt"
    twin.write_bytes(copies[0].read_bytes())
    return [*copies[:3], empty, *copies[3:], twin]


def test_workers_give_what_one_file_after_another_gives(tmp_path: Path, inputs) -> None:
    serial = _run(tmp_path / "serial", inputs, workers=1)
    parallel = _run(tmp_path / "parallel", inputs, workers=2)
    written = [p for p, _ in parallel]  # in the order given, the survey after the rest
    assert written == [p for p in inputs if p.name != "improved_services.csv"] + [inputs[4]]
    assert _summary(parallel) == _summary(serial)
    assert _quads(tmp_path / "parallel") == _quads(tmp_path / "serial")
    outcome = dict(_summary(parallel))
    assert outcome["empty.csv"][0] == "BadInput"
    assert outcome["digest-again.txt"][3] is True  # the same bytes: unchanged
    assert outcome["weekly_digest.txt"][0] > 0


def test_workers_forked_by_a_script_give_the_same(tmp_path: Path, inputs) -> None:
    """As `kgraph import` does: the pool started before the store is opened, so forked."""
    serial = _run(tmp_path / "serial", inputs, workers=1)
    script = f"""
import json, sys
from pathlib import Path
from kgraph.batch import import_files, start_workers
from kgraph.hookspecs import ImportOptions
from kgraph.plugins import registry
from kgraph.store import Store
files = [Path(p) for p in {[str(p) for p in inputs]!r}]
jobs = [(path, registry().choose(path)) for path in files]
with start_workers(len(files), 2) as pool, Store.open(
    Path({str(tmp_path / "forked")!r}), write=True, create=True
) as store:
    store.ensure_ontology()
    outcomes = import_files(store, jobs, ImportOptions(), workers=pool)
    done = [(str(p), type(o).__name__) for p, o in outcomes]
print(json.dumps([pool.method, done]))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    method, done = json.loads(run.stdout)
    assert method == ("fork" if sys.platform == "linux" else "spawn")
    assert done == [[str(p), type(o).__name__] for p, o in serial]
    assert _quads(tmp_path / "forked") == _quads(tmp_path / "serial")


def test_files_built_by_workers_show_their_progress(tmp_path: Path, monkeypatch) -> None:
    """As a file read here counts its records, so does one a worker reads (what
    `kgraph import` shows on a terminal)."""
    import contextlib

    import kgraph.batch as batch
    from kgraph.workers import Workers

    monkeypatch.setattr(batch, "NOTE_EVERY", 0.0)  # a count for every record (forked: seen)
    files = [
        Path(shutil.copy(DATA / "news" / "weekly_digest.txt", tmp_path / "a.txt")),
        Path(shutil.copy(SAMPLE / "compendium.csv", tmp_path / "b.csv")),
    ]
    counted: dict[str, int] = {}

    @contextlib.contextmanager
    def progress_for(path: Path):
        counted[path.name] = 0

        def progress(n: int) -> None:
            counted[path.name] += n

        yield progress

    reg = registry()
    jobs = [(path, reg.choose(path)) for path in files]
    with (
        Workers(2, batch._build, batch._warm_up, method="fork") as pool,
        Store.open(tmp_path / "store", write=True, create=True) as store,
    ):
        outcomes = dict(
            import_files(store, jobs, ImportOptions(), progress_for=progress_for, workers=pool)
        )
    for path in files:
        assert 0 < counted[path.name] <= outcomes[path].records + len(outcomes[path].rejects)


def test_workers_prepare_the_importers_of_their_batch(tmp_path: Path, monkeypatch) -> None:
    """Each worker loads what the batch's importers prepare (the news importer's word
    tables) before its first file, while this process opens the store; an importer whose
    preparation fails still has its files imported, as one file after another would."""
    import dataclasses
    import os

    import kgraph.batch as batch
    from kgraph.workers import Workers

    reg = registry()
    news = reg.get("news")
    assert news.prepare is not None
    assert batch._setup_for([news, reg.get("compendium"), news]).args == (("news",),)
    files = [
        Path(shutil.copy(DATA / "news" / "weekly_digest.txt", tmp_path / "a.txt")),
        Path(shutil.copy(DATA / "news" / "article.txt", tmp_path / "b.txt")),
    ]
    serial = _summary(_run(tmp_path / "serial", files, workers=1))
    marks = tmp_path / "prepared"
    marks.mkdir()

    def prepare() -> None:
        (marks / str(os.getpid())).touch()

    def broken() -> None:
        raise RuntimeError("no word tables")

    for name, how in (("marked", prepare), ("broken", broken)):
        importer = dataclasses.replace(news, prepare=how)
        monkeypatch.setitem(reg.importers, "news", importer)  # forked: the workers' too
        with (
            Workers(2, batch._build, batch._setup_for([importer]), method="fork") as pool,
            Store.open(tmp_path / name, write=True, create=True) as store,
        ):
            store.ensure_ontology()
            jobs = [(path, importer) for path in files]
            assert _summary(import_files(store, jobs, ImportOptions(), workers=pool)) == serial
    prepared = {int(p.name) for p in marks.iterdir()}
    assert len(prepared) == 2 and os.getpid() not in prepared


def test_a_second_batch_changes_nothing(tmp_path: Path, inputs) -> None:
    store_dir = tmp_path / "store"
    _run(store_dir, inputs, workers=2)
    before = _quads(store_dir)
    again = _run(store_dir, inputs, workers=2)
    assert all(o.unchanged for _, o in again if isinstance(o, ImportReport))
    assert _quads(store_dir) == before


def test_strict_rejects_in_a_worker_import_nothing_of_that_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Project Title,Lead Body,Partner Bodies,Start\n"
        "Shared legal,Merton,Sutton,2011\n"
        "No partners,Merton,,2012\n",
        encoding="utf-8",
    )
    good = Path(shutil.copy(SAMPLE / "compendium.csv", tmp_path / "good.csv"))
    outcomes = dict(_run(tmp_path / "store", [bad, good], workers=2, strict=True))
    assert isinstance(outcomes[bad], StrictRejects)
    assert "bad.csv" in str(outcomes[bad]) and "--strict" in str(outcomes[bad])
    assert isinstance(outcomes[good], ImportReport) and outcomes[good].records > 0
    with Store.open(tmp_path / "store") as store:
        files = {str(r["f"]) for r in store.select("SELECT ?f WHERE { ?s kg:fileName ?f }")}
    assert files == {"good.csv"}


def test_cli_imports_a_batch_with_workers(kg, tmp_path: Path, inputs, monkeypatch) -> None:
    monkeypatch.setenv("KGRAPH_WORKERS", "2")
    result = kg("import", *map(str, inputs))
    assert result.exit_code == 1  # the empty file failed, the others were imported
    assert "1 of 7 files failed; the others were imported" in result.output
    reported = [line.split(":")[0] for line in result.stdout.splitlines() if ": " in line]
    survey = [p for p in inputs if p.suffix == ".csv" and "services" in p.name]
    rest = [p for p in inputs if p not in survey and p.name != "empty.csv"]
    assert reported == [str(p) for p in rest + survey]  # the survey after the others


@pytest.mark.parametrize("workers", [1, 2])
def test_survey_answers_find_the_partnerships_of_the_batch_in_any_order(
    tmp_path: Path, workers: int
) -> None:
    """Survey answers are matched against the partnerships the store holds: in a batch they
    are imported after the other files, so the order the files are named in does not
    matter (`kgraph import *.csv` with the survey sorting first)."""
    survey = tmp_path / "a-survey.csv"  # sorts before the compendium; its definition beside
    for suffix in (".csv", ".toml"):
        example = SAMPLE.parent / "survey" / f"collaboration-survey{suffix}"
        survey.with_suffix(suffix).write_bytes(example.read_bytes())
    compendium = Path(shutil.copy(SAMPLE / "compendium.csv", tmp_path / "b-compendium.csv"))
    first = _run(tmp_path / "survey-first", [survey, compendium], workers=workers)
    last = _run(tmp_path / "survey-last", [compendium, survey], workers=workers)
    assert [p.name for p, _ in first] == ["b-compendium.csv", "a-survey.csv"]
    assert _summary(first) == _summary(last)
    assert _quads(tmp_path / "survey-first") == _quads(tmp_path / "survey-last")
    with Store.open(tmp_path / "survey-first") as store:
        linked = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?o kg:aboutPartnership ?p }")
    assert int(linked[0]["n"]) > 0


def test_worker_count_from_the_environment() -> None:
    assert worker_count(5, {"KGRAPH_WORKERS": "3"}) == 3
    assert worker_count(2, {"KGRAPH_WORKERS": "3"}) == 2  # no more workers than files
    assert worker_count(0, {}) == 1
    assert 1 <= worker_count(100, {}) <= 8
    for bad in ("two", "0", "-1"):
        with pytest.raises(KgraphError, match="KGRAPH_WORKERS"):
            worker_count(4, {"KGRAPH_WORKERS": bad})


def test_a_file_error_crosses_from_a_worker_whole() -> None:
    rebuild, args = BadInput("a.csv", "no header", line=3, field="title").__reduce__()
    err = rebuild(*args)  # what unpickling it in the parent does
    assert isinstance(err, BadInput)
    assert (err.path, err.why, err.line, err.field) == ("a.csv", "no header", 3, "title")
    assert str(err) == "a.csv:3: title: no header"


def test_the_plan_leaves_to_this_process_what_a_worker_could_get_wrong(
    tmp_path: Path, inputs
) -> None:
    from kgraph.batch import _plan

    reg = registry()
    jobs = [(path, reg.choose(path)) for path in inputs]
    with Store.open(tmp_path / "store", write=True, create=True) as store:
        planned = {p.name for p in _plan(store, jobs)}
        # the twin of the first file is left to find the first one's source
        assert "digest-again.txt" not in planned
        assert {"weekly_digest.txt", "article.txt", "compendium.csv"} <= planned
        list(import_files(store, jobs[:1], ImportOptions()))
        # a source imported before is re-imported here (its difference, or nothing)
        assert "weekly_digest.txt" not in {p.name for p in _plan(store, jobs)}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find workers")
def test_a_worker_that_dies_leaves_its_files_to_the_command(tmp_path: Path, inputs) -> None:
    """A worker killed mid-batch (out of memory, a signal) costs time, not files: what it
    had, and every file after, is built by the importing process itself."""
    import contextlib
    import os
    import signal
    import threading
    import time

    from tests.conftest import child_pids

    def workers() -> list[int]:
        found = []
        for pid in child_pids(os.getpid()):
            with contextlib.suppress(OSError):
                if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text():
                    found.append(pid)
        return found

    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 20
        while not killed and time.monotonic() < deadline:
            for pid in workers():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(0.01)

    serial = _run(tmp_path / "serial", inputs, workers=1)
    killer = threading.Thread(target=kill_one)
    killer.start()
    parallel = _run(tmp_path / "parallel", inputs, workers=2)
    killer.join()
    assert killed, "no worker was seen to kill"
    assert _summary(parallel) == _summary(serial)
    assert _quads(tmp_path / "parallel") == _quads(tmp_path / "serial")


def test_a_path_given_twice_is_imported_once(tmp_path: Path, inputs) -> None:
    files = [inputs[0], inputs[1], inputs[0]]
    outcomes = _run(tmp_path / "store", files, workers=2)
    assert [p for p, _ in outcomes] == files
    first, _, again = (o for _, o in outcomes)
    assert first.records > 0 and not first.unchanged
    assert again.unchanged


def test_a_bad_worker_count_is_one_line(kg, inputs, monkeypatch) -> None:
    monkeypatch.setenv("KGRAPH_WORKERS", "two")
    result = kg("import", str(inputs[0]), str(inputs[1]))
    assert result.exit_code == 1
    assert "KGRAPH_WORKERS='two': not a whole number" in result.output
    assert "Traceback" not in result.output


def test_workers_build_the_new_files_and_leave_the_rest(
    tmp_path: Path, inputs, monkeypatch
) -> None:
    """Only the survey (its answers are matched against the store) and the twin (it finds
    the first file's source) are imported by the command itself; the rest come from workers."""
    import kgraph.batch

    here: list[str] = []
    alone = kgraph.batch.import_file

    def counted(store, path, *args, **kw):
        here.append(path.name)
        return alone(store, path, *args, **kw)

    monkeypatch.setattr(kgraph.batch, "import_file", counted)
    outcomes = dict(_summary(_run(tmp_path / "store", inputs, workers=2)))
    assert sorted(here) == ["digest-again.txt", "improved_services.csv"]
    assert outcomes["empty.csv"][0] == "BadInput"  # a worker's error, reported as alone


def _news_copies(tmp_path: Path, n: int) -> list[Path]:
    """n digests of different bytes: each a new source a worker builds."""
    text = (DATA / "news" / "weekly_digest.txt").read_text(encoding="utf-8")
    files = []
    for i in range(n):
        path = tmp_path / f"digest-{i}.txt"
        path.write_text(text + f"\nIssue {i}.\n", encoding="utf-8")
        files.append(path)
    return files


def _slow_loads(monkeypatch, seconds: float) -> list[tuple[str, float, float]]:
    """Each graph's load held for `seconds` and recorded as (graph, start, end); and every
    worker result awaited before the batch looks whether it is in, so that results always
    wait together (as when workers finish at once) and their loads overlap."""
    import threading
    import time

    from kgraph.workers import Workers

    seen: list[tuple[str, float, float]] = []
    lock = threading.Lock()
    load = Store.load_new_graph

    def slow(self, graph, body, head):
        start = time.monotonic()
        time.sleep(seconds)
        load(self, graph, body, head)
        with lock:
            seen.append((str(graph), start, time.monotonic()))

    def in_already(self, key) -> bool:
        self._done[key] = self.result(key, ahead=2 * self.count)
        return True

    monkeypatch.setattr(Store, "load_new_graph", slow)
    monkeypatch.setattr(Workers, "ready", in_already)
    return seen


def test_graphs_built_together_are_loaded_together(tmp_path: Path, monkeypatch) -> None:
    """Results waiting for this process are bulk-loaded at once (the loader holds no GIL),
    still reported in the order given and the same quads as one file after another."""
    files = _news_copies(tmp_path, 4)
    serial = _run(tmp_path / "serial", files, workers=1)
    seen = _slow_loads(monkeypatch, 0.3)
    parallel = _run(tmp_path / "parallel", files, workers=2)
    assert [p for p, _ in parallel] == files
    assert _summary(parallel) == _summary(serial)
    assert _quads(tmp_path / "parallel") == _quads(tmp_path / "serial")
    overlapping = [
        (a, b) for a in seen for b in seen if a[0] < b[0] and a[1] < b[2] and b[1] < a[2]
    ]
    assert len(seen) == 4 and overlapping, f"no two loads overlapped: {seen}"


def test_a_batch_stopped_early_writes_only_what_it_reported(tmp_path: Path, monkeypatch) -> None:
    """A file whose load was under way when the caller stopped (Ctrl-C, a closed iterator)
    is not left in the store unreported: only reported files are written."""
    files = _news_copies(tmp_path, 4)
    seen = _slow_loads(monkeypatch, 0.3)
    reg = registry()
    store_dir = tmp_path / "store"
    with Store.open(store_dir, write=True, create=True) as store:
        store.ensure_ontology()
        outcomes = import_files(
            store, [(p, reg.choose(p)) for p in files], ImportOptions(), workers=2
        )
        path, report = next(outcomes)
        outcomes.close()
        sources = {str(row["g"]) for row in store.select("SELECT ?g WHERE { ?g a kg:Source }")}
        assert store.unfinished_graphs() == []
        graphs = {g.value for g in store.ox.named_graphs()}
    assert path == files[0] and isinstance(report, ImportReport)
    assert len(seen) >= 2  # another file's load was under way: it was removed again
    assert sources == {str(report.source)}
    assert {g for g in graphs if "/source/" in g} == {str(report.source)}


def _first_built_last(tmp_path: Path, monkeypatch, n: int, seconds: float):
    """n digests whose first takes `seconds` longer to build, a pool of two forked workers,
    and the list of the files' names in the order their loads start."""
    import threading
    import time

    import kgraph.batch as batch
    from kgraph.ingest import source_iri
    from kgraph.workers import Workers

    files = _news_copies(tmp_path, n)
    name_of = {str(source_iri(p)): p.name for p in files}
    started: list[str] = []
    lock = threading.Lock()
    load = Store.load_new_graph

    def recorded(self, graph, body, head):
        with lock:
            started.append(name_of[str(graph)])
        load(self, graph, body, head)

    def slow_first(job, *args):
        if job.path == files[0]:
            time.sleep(seconds)
        return batch._build(job, *args)

    monkeypatch.setattr(Store, "load_new_graph", recorded)
    return files, Workers(2, slow_first, batch._warm_up, method="fork"), started


def test_a_later_file_built_first_is_loaded_while_the_earlier_one_builds(
    tmp_path: Path, monkeypatch
) -> None:
    """The second core does not idle while an earlier, slower file is built: the later
    file's graph is loaded meanwhile, and still reported after the earlier one."""
    files, pool, started = _first_built_last(tmp_path, monkeypatch, 3, 1.5)
    serial = _run(tmp_path / "serial", files, workers=1)
    started.clear()
    reg = registry()
    with pool, Store.open(tmp_path / "ahead", write=True, create=True) as store:
        store.ensure_ontology()
        jobs = [(path, reg.choose(path)) for path in files]
        outcomes = list(import_files(store, jobs, ImportOptions(), workers=pool))
    assert [p for p, _ in outcomes] == files
    assert _summary(outcomes) == _summary(serial)
    assert _quads(tmp_path / "ahead") == _quads(tmp_path / "serial")
    assert started[-1] == files[0].name, started  # the others were loaded ahead of it


def test_a_file_loaded_ahead_but_not_reported_is_not_written(tmp_path: Path, monkeypatch) -> None:
    """Stopped after the first report, a later file already loaded ahead is removed again."""
    files, pool, started = _first_built_last(tmp_path, monkeypatch, 2, 1.0)
    reg = registry()
    with pool, Store.open(tmp_path / "store", write=True, create=True) as store:
        store.ensure_ontology()
        outcomes = import_files(
            store, [(p, reg.choose(p)) for p in files], ImportOptions(), workers=pool
        )
        path, report = next(outcomes)
        outcomes.close()
        sources = {str(row["g"]) for row in store.select("SELECT ?g WHERE { ?g a kg:Source }")}
        graphs = {g.value for g in store.ox.named_graphs() if "/source/" in g.value}
    assert path == files[0] and isinstance(report, ImportReport)
    assert started == [files[1].name, files[0].name]  # the second ahead of the first
    assert sources == graphs == {str(report.source)}


def test_a_batch_leaves_no_scratch_files(tmp_path: Path, inputs, monkeypatch) -> None:
    """The workers' graphs pass through a temporary folder, which goes with the batch."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    outcomes = _run(tmp_path / "store", inputs, workers=2)
    assert dict(_summary(outcomes))["weekly_digest.txt"][0] > 0
    assert list((tmp_path / "tmp").iterdir()) == []


def test_graphs_a_worker_cannot_write_down_are_built_here(
    tmp_path: Path, inputs, monkeypatch
) -> None:
    """A full or vanished temporary folder costs time, not files (the batch's own folder
    gone here: every worker's write fails, and this process builds those files itself)."""
    import contextlib

    import kgraph.batch

    serial = _run(tmp_path / "serial", inputs, workers=1)
    gone = str(tmp_path / "gone")
    monkeypatch.setattr(
        kgraph.batch.tempfile, "TemporaryDirectory", lambda **_: contextlib.nullcontext(gone)
    )
    parallel = _run(tmp_path / "parallel", inputs, workers=2)
    assert _summary(parallel) == _summary(serial)
    assert _quads(tmp_path / "parallel") == _quads(tmp_path / "serial")


def test_without_a_temporary_folder_a_batch_is_imported_file_after_file(
    tmp_path: Path, inputs, monkeypatch
) -> None:
    import kgraph.batch

    def no_room(**_):
        raise OSError(28, "No space left on device")

    serial = _run(tmp_path / "serial", inputs, workers=1)
    monkeypatch.setattr(kgraph.batch.tempfile, "TemporaryDirectory", no_room)
    parallel = _run(tmp_path / "parallel", inputs, workers=2)
    assert _summary(parallel) == _summary(serial)
