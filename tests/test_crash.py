"""Kill an import at random moments: every time the store opens and each source is whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgraph.store import Store
from tests.conftest import child_pids

COUNCILS = [
    "Cardiff",
    "Newport",
    "Caerphilly",
    "Monmouthshire",
    "Torfaen",
    "Blaenau Gwent",
    "Bridgend",
    "Swansea",
    "Neath Port Talbot",
    "Powys",
    "Ceredigion",
    "Gwynedd",
]


def write_compendium(path: Path, rows: int, seed: int) -> None:
    rnd = random.Random(seed)
    lines = ["Title,Lead,Partners,Service Area,Start,Efficiency Gain (GBP per year)"]
    for i in range(rows):
        lead, *partners = rnd.sample(COUNCILS, rnd.randint(2, 5))
        lines.append(
            f'Project {seed}-{i},{lead},"{"; ".join(partners)}",Waste,'
            f"{rnd.randint(2005, 2024)},{rnd.randint(1, 900) * 1000}"
        )
    path.write_text("\n".join(lines) + "\n")


def sources_are_whole(store_dir: Path) -> list[str]:
    """Names of the sources present; asserts each holds exactly its recorded triple count."""
    with Store.open(store_dir) as store:
        rows = store.select(
            "SELECT ?g ?file ?n WHERE { ?g a kg:Source ; kg:fileName ?file ; kg:tripleCount ?n }"
        )
        for row in rows:
            assert store.count(row["g"]) == int(row["n"]), f"{row['file']} is not whole"
        return sorted(str(r["file"]) for r in rows)


@pytest.mark.slow
def test_sigkill_during_import_never_leaves_half_a_source(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    base = tmp_path / "base.csv"
    write_compendium(base, 50, seed=0)
    env = {**os.environ, "KGRAPH_LOCK_TIMEOUT": "20"}
    cmd = [sys.executable, "-m", "kgraph", "--store", str(store_dir), "import"]
    subprocess.run([*cmd, str(base)], check=True, capture_output=True, env=env)
    rnd = random.Random(42)
    kills = 0
    for attempt in range(20):
        victim = tmp_path / f"batch{attempt}.csv"
        write_compendium(victim, 400, seed=attempt + 1)
        proc = subprocess.Popen(
            [*cmd, str(victim)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        time.sleep(rnd.uniform(0.2, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        present = sources_are_whole(store_dir)
        assert "base.csv" in present
    assert kills >= 5, "the imports finished too fast to be killed: make them bigger"
    # the next import after all that succeeds
    done = subprocess.run(
        [*cmd, str(tmp_path / "batch0.csv")], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "batch0.csv" in sources_are_whole(store_dir)
    # a kill after the bulk-loaded body and before the description leaves a graph with no
    # kg:Source; the next writer (the import above) dropped every such graph
    with Store.open(store_dir) as store:
        graphs = {str(r["g"]) for r in store.select("SELECT DISTINCT ?g { GRAPH ?g {} }")}
        described = {str(r["g"]) for r in store.select("SELECT ?g { ?g a kg:Source }")}
    assert {g for g in graphs if "/id/source/" in g} == described


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a dead child nobody reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find workers")
def test_sigkill_during_a_batch_leaves_whole_sources_and_no_workers(tmp_path: Path) -> None:
    """A batch import's workers build files while the parent writes: killed part-way, every
    source present is whole, and the workers end with their parent."""
    store_dir = tmp_path / "store"
    files = []
    for n in range(6):
        files.append(tmp_path / f"part{n}.csv")
        write_compendium(files[-1], 400, seed=100 + n)
    env = {**os.environ, "KGRAPH_LOCK_TIMEOUT": "20", "KGRAPH_WORKERS": "2"}
    cmd = [sys.executable, "-m", "kgraph", "--store", str(store_dir), "import"]
    proc = subprocess.Popen(
        [*cmd, *map(str, files)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    workers: list[int] = []
    deadline = time.monotonic() + 20
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        workers = [p for p in child_pids(proc.pid) if p != proc.pid]
    time.sleep(1.5)  # some files written, others being built
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert workers, "the batch started no workers"
    deadline = time.monotonic() + 15
    while any(_running(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [p for p in workers if _running(p)]
    assert not alive, "workers outlived their killed parent"
    present = sources_are_whole(store_dir) if store_dir.exists() else []
    done = subprocess.run([*map(str, [*cmd, *files])], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert sources_are_whole(store_dir) == sorted(f.name for f in files)
    assert set(present) <= {f.name for f in files}
