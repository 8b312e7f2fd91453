"""Benchmarks: `python -m benchmarks.<name>`; each prints ratios measured in one run."""

from __future__ import annotations

import compileall
import functools
from pathlib import Path


@functools.cache  # once a process: run_all's benchmarks each ask
def compile_bytecode() -> None:
    """Write the .pyc files of kgraph and its plugins, as a user's first run writes them.

    Each benchmark times runs after the first, but where PYTHONDONTWRITEBYTECODE is set
    (these machines set it) no run writes them, and every timed run of an editable install
    compiled each module from source again: ~0.04 s of each worker's first news file.
    """
    import kgraph_plugins

    import kgraph

    for package in (kgraph, kgraph_plugins):
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)
