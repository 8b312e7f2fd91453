"""The plugin contract: what an importer is and the one hook that offers importers.

A third-party package adds an importer with one module and one entry point in the
``kgraph`` group; the built-ins in ``plugins/`` are declared exactly the same way::

    # mypkg_importer.py
    from kgraph.hookspecs import Importer, hookimpl

    @hookimpl
    def kgraph_importers():
        return [Importer(name="mine", description="...", detects="*.mine",
                         detect=lambda path: 100 if path.suffix == ".mine" else 0,
                         read=read_records)]

    # setup.cfg:  [options.entry_points]  kgraph = mine = mypkg_importer
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from kgraph.records import Record, Reject

PROJECT = "kgraph"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class ImportOptions:
    """What the user asked for on the command line, passed to every importer."""

    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    strict: bool = False
    encoding: str | None = None  # None: detect
    extra: dict[str, str] = field(default_factory=dict)  # importer-specific settings


@dataclass(frozen=True)
class Importer:
    """An importer: a cheap sniff and a reader of records.

    ``detect(path)`` returns a score from 0 (not mine) to 100 (certainly mine) and
    never raises. ``read(path, options)`` yields records and rejects, never touches
    the store and never prints; it raises ``kgraph.errors.BadInput`` when the file
    as a whole is unusable. ``prepare()``, if given, loads what ``read`` would load on its
    first file; an error there is ignored (``read`` meets it again and reports it).
    """

    name: str
    description: str
    detects: str
    detect: Callable[[Path], int]
    read: Callable[[Path, ImportOptions], Iterable[Record | Reject]]
    fields: tuple[str, ...] = ()  # canonical fields `--map` accepts
    version: str = ""  # filled in from the distribution that provides the plugin
    # its records are matched against what the store holds (survey answers against the
    # partnerships they are about): a batch imports such files after the others
    reads_store: bool = False
    # loads what `read` needs before its first file (modules, word tables): a batch's
    # workers call it while the parent opens the store, instead of inside the first build
    prepare: Callable[[], None] | None = None


@hookspec
def kgraph_importers() -> list[Importer]:
    """Return the importers this plugin provides."""
