"""The analytics benchmark runs end to end at its smallest scale (as CI can afford)."""

from __future__ import annotations

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
    for measure in ("degree", "weighted degree", "pagerank", "eigenvector", "betweenness (exact)"):
        line = next(x for x in out.splitlines() if x.startswith(measure + " "))
        assert line.count("x") >= 3, line  # three ratios
    assert "louvain" in out
