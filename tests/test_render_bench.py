"""benchmarks/render.py runs (a smoke run at 100 organisations)."""

from __future__ import annotations

import pytest

from tests.test_browser import browser_or_skip


@pytest.mark.slow
def test_render_benchmark_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    browser_or_skip()
    from benchmarks.render import main

    assert main(["--sizes", "100"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "orgs",
        "ties",
        "physics",
        "build",
        "s",
        "file",
        "MB",
        "first",
        "draw",
        "s",
    ]
    assert len(lines) == 2
