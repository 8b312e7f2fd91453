"""`kgraph demo`: the newcomer's first command."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from kgraph.cli import cli


def test_demo_builds_its_own_store_and_writes_the_map(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    user_store = tmp_path / "mine"
    monkeypatch.setenv("KGRAPH_STORE", str(user_store))
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kgraph-demo.html").stat().st_size > 10_000
    assert (tmp_path / "kgraph-demo-store" / "CURRENT").exists()
    assert not user_store.exists(), "the demo must not touch the user's store"
    assert "top collaborators" in result.output
    page = (tmp_path / "kgraph-demo.html").read_text()
    assert "Prosiect Gwyrdd" not in page or "<script>alert" not in page
    assert "Vale of Glamorgan Council" in page

    runner = CliRunner()
    listed = runner.invoke(cli, ["--store", "kgraph-demo-store", "sources", "--json"])
    assert {s["source"] for s in json.loads(listed.output)} == {
        "compendium.csv",
        "statutory_partnerships.csv",
    }
    valid = runner.invoke(cli, ["--store", "kgraph-demo-store", "validate"])
    assert valid.exit_code == 0, valid.output


def test_demo_twice_gives_the_same_counts(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(cli, ["demo"]).output
    second = CliRunner().invoke(cli, ["demo"]).output
    assert first == second
    assert os.path.exists("kgraph-demo.html")
