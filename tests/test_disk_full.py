"""A full or read-only disk is one line and a non-zero exit, never a traceback, and the
store keeps what it had (the store's promise: readers never see half a source)."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.errors import DiskProblem, disk_problem
from kgraph.store import Store

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"
ROCKSDB_FULL = (
    "IO error: No space left on device: While appending to file: "
    "kgraph-store/000008.log: No space left on device"
)


def _sources(store_dir: Path) -> list[str]:
    with Store.open(store_dir) as store:
        rows = store.select("SELECT ?p WHERE { ?g a kg:Source ; kg:filePath ?p }")
    return sorted(Path(str(r["p"])).name for r in rows)


def test_which_errors_are_the_disk() -> None:
    assert isinstance(disk_problem(OSError(ROCKSDB_FULL)), DiskProblem)
    assert isinstance(disk_problem(OSError(errno.ENOSPC, "No space left on device")), DiskProblem)
    assert isinstance(disk_problem(OSError(errno.EROFS, "Read-only file system")), DiskProblem)
    for other in (FileNotFoundError(2, "No such file"), ConnectionError("reset"), ValueError()):
        assert disk_problem(other) is None  # a bug or another trouble keeps its traceback
    message = str(disk_problem(OSError(ROCKSDB_FULL), Path("st")))
    assert message.startswith("st: cannot write: No space left on device. Free some space")


def test_a_full_disk_during_an_import_keeps_the_store_as_it_was(kg, store_dir, monkeypatch) -> None:
    assert kg("import", str(DATA / "news" / "weekly_digest.txt")).exit_code == 0

    def full(*args, **kwargs):
        raise OSError(ROCKSDB_FULL)

    monkeypatch.setattr(Store, "_write_new_graph", full)
    result = kg("import", str(SAMPLE / "compendium.csv"))
    assert result.exit_code == 1
    assert "cannot write: No space left on device" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    monkeypatch.undo()
    assert _sources(store_dir) == ["weekly_digest.txt"]
    assert kg("import", str(SAMPLE / "compendium.csv")).exit_code == 0  # space again


def test_a_first_import_on_a_full_disk_leaves_no_store(kg, store_dir, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(ROCKSDB_FULL)

    monkeypatch.setattr(Store, "_write_new_graph", full)
    result = kg("import", str(SAMPLE / "compendium.csv"))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert not store_dir.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_writing_an_export_to_a_full_device_is_one_line(kg) -> None:
    assert kg("import", str(SAMPLE / "compendium.csv")).exit_code == 0
    result = kg("export", "--format", "nt", "--out", "/dev/full")
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: cannot write: No space left on device")
    assert "Traceback" not in result.output


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MB tmpfs: a real full disk for RocksDB (Linux as root), else skipped."""
    if sys.platform != "linux" or not shutil.which("mount"):
        pytest.skip("needs Linux's mount to make a small disk")
    where = tmp_path / "small"
    where.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip() or 'not root'}")
    yield where
    subprocess.run(["umount", str(where)], check=False)


def test_a_real_full_disk(small_disk: Path) -> None:
    store = small_disk / "store"

    def kgraph(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kgraph", "--store", str(store), *args],
            capture_output=True,
            text=True,
        )

    assert kgraph("import", str(DATA / "news" / "weekly_digest.txt")).returncode == 0
    failed = kgraph("import", str(SAMPLE / "statutory_partnerships.csv"))
    assert failed.returncode == 1, failed.stderr
    assert "cannot write: No space left on device" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _sources(store) == ["weekly_digest.txt"]
    assert kgraph("validate").returncode == 0
    subprocess.run(["mount", "-o", "remount,size=32M", str(small_disk)], check=True)
    again = kgraph("import", str(SAMPLE / "statutory_partnerships.csv"))
    assert again.returncode == 0, again.stderr
    assert _sources(store) == ["statutory_partnerships.csv", "weekly_digest.txt"]
