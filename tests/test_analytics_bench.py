"""The analytics benchmark runs end to end at its smallest scale (as CI can afford)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_smoke_run_prints_every_measure_with_ratios() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.analytics", "--scale", "S", "--repeat", "1", "--store"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "network: 300 organisations" in out
    assert "store -> networkx" in out
    assert "igraph.Graph.from_networkx" in out
    assert "kgraph+copy/" in out and "igraph+conv" in out
    measures = ("degree", "weighted degree", "pagerank", "eigenvector", "betweenness (exact)")
    for measure in (*measures, "louvain"):
        line = next(x for x in out.splitlines() if x.startswith(measure + " "))
        assert len(re.findall(r"\d+\.\d+x", line)) == 3, line  # three ratios
    # the igraph column gives the same answers: organisation -> value, networkx's scale
    check = next(x for x in out.splitlines() if x.startswith("largest difference"))
    assert "; degree 0e+00 (" in check.replace(": degree", "; degree"), check
    assert "weighted degree 0e+00 (" in check, check
    apart = [float(x) for x in re.findall(r"kgraph-igraph ([-+.e\d]+)\)", check)]
    assert len(apart) == 5 and max(apart) < 1e-12, check
    assert "louvain modularity" in check
