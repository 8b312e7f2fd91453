"""The import, query and start-up benchmarks run end to end at scale S and print their ratios.

Benchmarks are not timed tests: nothing here asserts a threshold, only that each run works
and reports what it measured. The three run side by side to keep the test short; the import
benchmark runs its three sources (compendium CSV, news digests, survey responses) in turn.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RATIO = r"\d+\.\d+x"


@pytest.mark.slow
def test_benchmarks_at_scale_s_print_their_ratios() -> None:
    commands = {
        "imports": ["--scale", "S", "--source", "all"],
        "queries": ["--scale", "S", "--repeat", "1", "--rdflib-cap", "2"],
        "startup": ["--runs", "3"],
    }
    running = {
        name: subprocess.Popen(
            [sys.executable, "-m", f"benchmarks.{name}", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    out = {}
    for name, proc in running.items():
        stdout, stderr = proc.communicate(timeout=170)
        assert proc.returncode == 0, f"{name}: {stderr}"
        out[name] = stdout

    sections = dict(part.split(" ==\n", 1) for part in out["imports"].split("== imports: ")[1:])
    assert list(sections) == ["compendium CSV (S)", "news digest (S)", "survey responses (S)"]
    assert "kgraph: 2,000 records, 0 rejects" in sections["compendium CSV (S)"]
    # every news item is a record (commentary naming two bodies adds a few), in 2 files
    assert re.search(r"kgraph: 1,0\d\d records, 0 rejects, [\d,]+ triples \(2 files\)",
                     sections["news digest (S)"])  # fmt: skip
    from benchmarks import generate, generate_survey

    responses = generate_survey.responses(generate.population(1_000, 2_000), 1_000)
    answers = sum(1 for r in responses for cell in r.row[4:] if cell)  # one record each
    assert f"kgraph: {answers:,} records, 0 rejects" in sections["survey responses (S)"]
    for name, imports in sections.items():
        print(f"{name}: " + next(x for x in imports.splitlines() if x.startswith("ratio kgraph")))
        for label in ("kgraph import", "Oxigraph bulk_load", "rdflib Memory parse"):
            line = next(x for x in imports.splitlines() if x.startswith(label))
            assert re.search(RATIO + r"$", line), (name, line)
        assert re.search(r"ratio kgraph/native: " + RATIO, imports), name
        assert re.search(r"ratio kgraph/native CPU: " + RATIO, imports), name
        assert re.search(r"ratio rdflib/native: " + RATIO, imports), name
    assert re.search(r"ratio re-import/import: " + RATIO, sections["compendium CSV (S)"])
    assert "kgraph re-import, a row inserted at top" in sections["compendium CSV (S)"]

    queries = out["queries"]
    for name in ("active-in-year", "co-partners", "partnerships-of", "savings-by-service"):
        line = next(x for x in queries.splitlines() if x.startswith(name + " "))
        assert re.search(RATIO, line), line
        assert "rows differ" not in line
    assert re.search(r"ratio kgraph/native, all queries together: " + RATIO, queries)

    assert re.search(r"ratio kgraph --help / python -c pass: " + RATIO, out["startup"])
