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
