"""The default register's name indexes, kept between processes in the user's cache folder.

Building a resolver from the register normalises every name and alias of ~1,800 bodies:
40-70 ms, paid by every command that resolves a name and by every worker of a batch
import. Read back as JSON and rebuilt, the indexes take ~15 ms. The file is named by a
digest of everything they depend on (the register files, the code that builds them, the
Python and kgraph versions), so a changed register or a new kgraph never reads a stale
one. Any trouble (no home folder, a read-only or full disk, a damaged file) means
building them afresh: the cache can make a command faster, never change its answers.
KGRAPH_NO_CACHE=1 leaves it unused; deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "XDG_CACHE_HOME"  # the standard place; else ~/.cache
NO_CACHE_ENV = "KGRAPH_NO_CACHE"  # set to 1: build every time (as for the analytics' cache)
PREFIX = "register-"


def cache_dir() -> Path:
    base = os.environ.get(CACHE_ENV, "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "kgraph"


def key_of(inputs: list[Path]) -> str:
    """A digest of the inputs' paths, sizes and modification times, and of the versions."""
    from kgraph import __version__

    h = hashlib.sha256(f"{sys.version}|{__version__}".encode())
    for path in inputs:
        try:
            st = path.stat()
            h.update(f"|{path}|{st.st_size}|{st.st_mtime_ns}".encode())
        except OSError:
            h.update(f"|{path}|missing".encode())
    return h.hexdigest()[:20]


def _path(inputs: list[Path]) -> Path | None:
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    try:
        return cache_dir() / f"{PREFIX}{key_of(inputs)}.json"
    except RuntimeError:  # no home folder to be found
        return None


def load_state(inputs: list[Path]) -> dict[str, Any] | None:
    """The indexes saved for exactly these inputs, or None."""
    path = _path(inputs)
    if path is None:
        return None
    try:
        state = json.loads(path.read_bytes())
    except (OSError, ValueError):  # not there yet, or damaged
        return None
    return state if isinstance(state, dict) else None


def save_state(inputs: list[Path], state: dict[str, Any]) -> None:
    """Written whole under a temporary name, then renamed (a reader never sees half a
    file); the files this cache kept for other inputs are removed."""
    path = _path(inputs)
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(state, fh, separators=(",", ":"), ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in path.parent.glob(f"{PREFIX}*.json"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
