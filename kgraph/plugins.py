"""Find importers: built-ins and third-party packages load through one entry-point group."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from kgraph import hookspecs
from kgraph.errors import NoImporter, UsageProblem
from kgraph.hookspecs import Importer

GROUP = "kgraph"


@dataclass
class Registry:
    """The importers that loaded, and one warning per plugin that did not."""

    importers: dict[str, Importer]
    warnings: list[str]

    def get(self, name: str) -> Importer:
        try:
            return self.importers[name]
        except KeyError:
            known = ", ".join(sorted(self.importers)) or "none"
            raise UsageProblem(f"no importer called '{name}' (installed: {known})") from None

    def choose(self, path: Path) -> Importer:
        """The importer whose detect() scores the file highest; a tie or no taker is an error."""
        scores = []
        for imp in self.importers.values():
            try:
                score = int(imp.detect(path))
            except Exception:  # a plugin's sniff must never break the others
                score = 0
            if score > 0:
                scores.append((score, imp.name))
        if not scores:
            raise NoImporter(
                f"{path}: no importer recognises this file; "
                f"choose one with --using ({', '.join(sorted(self.importers))})"
            )
        scores.sort(reverse=True)
        if len(scores) > 1 and scores[0][0] == scores[1][0]:
            tied = ", ".join(name for s, name in scores if s == scores[0][0])
            raise NoImporter(f"{path}: several importers fit equally ({tied}); choose with --using")
        return self.importers[scores[0][1]]


def plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def load(extra_modules: tuple[object, ...] = ()) -> Registry:
    """Load every plugin of the entry-point group; a broken one becomes a warning."""
    pm = plugin_manager()
    versions: dict[object, str] = {}
    warnings: list[str] = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:  # any failure in third-party code: warn and go on
            warnings.append(f"plugin '{ep.name}' ({ep.value}) failed to load: {exc!r}")
            continue
        versions[module] = ep.dist.version if ep.dist else ""
    for module in extra_modules:
        pm.register(module)
    importers: dict[str, Importer] = {}
    for impl in pm.hook.kgraph_importers.get_hookimpls():
        try:
            offered = impl.function() or []
        except Exception as exc:
            warnings.append(f"plugin '{impl.plugin_name}' failed to list its importers: {exc!r}")
            continue
        for imp in offered:
            if not imp.version:
                imp = dataclasses.replace(imp, version=versions.get(impl.plugin, ""))
            if imp.name in importers:
                warnings.append(f"importer '{imp.name}' is offered twice; keeping the first")
                continue
            importers[imp.name] = imp
    return Registry(importers, warnings)


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load()
