"""Shared fixtures: a store in a temporary directory and a CLI runner bound to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "reference"
SAMPLE = ROOT / "data" / "sample"


def pytest_configure(config: pytest.Config) -> None:
    """The register's index cache (kgraph.register_cache) goes to a folder of this run,
    not the user's ~/.cache; subprocesses started by the tests inherit it."""
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kgraph-test-cache-")


def need_shared() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"{REFERENCE} not found: the shared reference data is not on this machine")
    return REFERENCE


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def kg(store_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `kgraph ...` in-process against a temporary store; returns the click Result."""
    from kgraph.cli import cli

    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--store", str(store_dir), *args], input=input)

    return run


@pytest.fixture(autouse=True)
def _no_user_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never write into the developer's ./kgraph-store."""
    monkeypatch.setenv("KGRAPH_STORE", str(tmp_path / "env-store"))
    monkeypatch.setenv("KGRAPH_LOCK_TIMEOUT", os.environ.get("KGRAPH_LOCK_TIMEOUT", "2"))


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
