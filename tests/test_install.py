"""A non-editable install works from any directory: data files ship with the package."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_runs_demo_and_lists_plugins(tmp_path: Path) -> None:
    """Build a wheel, install it alone into a fresh venv (dependencies borrowed offline from
    the running environment through a .pth file), and run it from an unrelated directory."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site = next(env_dir.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = env_dir / "bin" / "python"
    wheel = next(wheels.glob("kgraph-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kgraph = env_dir / "bin" / "kgraph"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    located = subprocess.run(
        [str(python), "-c", "import kgraph; print(kgraph.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert str(env_dir) in located.stdout, "the installed copy, not the checkout, must run"
    plugins = subprocess.run(
        [str(kgraph), "plugins"], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert plugins.returncode == 0, plugins.stderr
    assert "compendium" in plugins.stdout
    demo = subprocess.run(
        [str(kgraph), "demo"], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert demo.returncode == 0, demo.stderr
    assert (elsewhere / "kgraph-demo.html").exists()
