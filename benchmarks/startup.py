"""CLI start-up: `kgraph --help` against `python -c pass`, best of N runs each, one run.

    python -m benchmarks.startup            # best of 10
    python -m benchmarks.startup --runs 5 --imports   # also the slowest imports at start-up

Both commands run in a fresh interpreter from this environment (the `kgraph` console script
next to this Python, else `python -m kgraph`), alternating, and the best time of each is
kept. Target: kgraph --help <= 3x a bare interpreter (heavy modules imported lazily).
With --imports, `python -X importtime -m kgraph --help` lists the modules whose import
(with their own imports) costs most.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import compile_bytecode

TARGET = 3.0


def kgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("kgraph")
    if script.exists():
        return [str(script), "--help"]
    found = shutil.which("kgraph")
    return [found, "--help"] if found else [sys.executable, "-m", "kgraph", "--help"]


def _once(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def slowest_imports(top: int = 8) -> list[tuple[float, str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kgraph", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    found = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if len(name) - len(name.lstrip()) <= 3:  # top-level imports only
                found.append((int(parts[1]) / 1e6, name.strip()))
    return sorted(found, reverse=True)[:top]


def run(runs: int = 10, imports: bool = False, out=sys.stdout) -> list[dict]:
    say = out.write
    compile_bytecode()
    kgraph, bare = kgraph_command(), [sys.executable, "-c", "pass"]
    _once(kgraph)  # warm the file cache, untimed
    t_kgraph, t_bare = [], []
    for _ in range(runs):
        t_bare.append(_once(bare))
        t_kgraph.append(_once(kgraph))
    k, b = min(t_kgraph), min(t_bare)
    say(f"{'command':32} {'best s':>8} {'median s':>9}\n")
    say(f"{'python -c pass':32} {b:8.3f} {sorted(t_bare)[runs // 2]:9.3f}\n")
    say(f"{'kgraph --help':32} {k:8.3f} {sorted(t_kgraph)[runs // 2]:9.3f}\n")
    verdict = "met" if k / b <= TARGET else "NOT met"
    say(f"ratio kgraph --help / python -c pass: {k / b:.2f}x (target <= {TARGET:g}x: {verdict})\n")
    if imports:
        say("\nslowest top-level imports of `python -m kgraph --help` (cumulative s):\n")
        for seconds, name in slowest_imports():
            say(f"  {seconds:7.3f}  {name}\n")
    return [
        {
            "benchmark": "startup",
            "item": "kgraph --help",
            "kgraph": k,
            "native": b,
            "rdflib": None,
            "target": TARGET,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", action="store_true", help="list the slowest imports")
    args = parser.parse_args()
    run(args.runs, args.imports)


if __name__ == "__main__":
    main()
