"""`kgraph demo`: the bundled sample data into a store of its own, a summary and a map."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path

from kgraph.hookspecs import ImportOptions
from kgraph.ingest import ImportReport, import_file
from kgraph.plugins import registry
from kgraph.store import Store

SAMPLES = ("compendium.csv", "statutory_partnerships.csv")
DEMO_STORE = Path("kgraph-demo-store")
DEMO_MAP = Path("kgraph-demo.html")


@dataclass
class DemoResult:
    store: Path
    map: Path
    reports: list[ImportReport] = field(default_factory=list)
    organisations: int = 0
    partnerships: int = 0
    sources: int = 0
    top: list[tuple[str, int, int]] = field(default_factory=list)


def run(store_path: Path = DEMO_STORE, out: Path = DEMO_MAP) -> DemoResult:
    from kgraph.analytics.facts import load
    from kgraph.analytics.projection import organisation_graph
    from kgraph.analytics.selection import Filters, select
    from kgraph.errors import KgraphError
    from kgraph.network import top_collaborators
    from kgraph.render import MapOptions, build, write_map
    from kgraph.render.data import provenance

    if store_path.exists():
        if not (store_path / "CURRENT").exists():
            raise KgraphError(
                f"{store_path} exists and is not a kgraph store: choose another --store"
            )
        shutil.rmtree(store_path)  # the demo store is rebuilt from scratch every time
    result = DemoResult(store=store_path, map=out)
    compendium = registry().get("compendium")
    with Store.open(store_path, write=True, create=True) as store:
        store.ensure_ontology()
        for name in SAMPLES:
            with as_file(files("kgraph.data") / "sample" / name) as sample:
                report = import_file(store, Path(sample), compendium, ImportOptions())
            result.reports.append(report)
        result.organisations = _count(
            store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
        )
        result.partnerships = _count(
            store,
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a org:OrganizationalCollaboration }",
        )
        result.sources = _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:Source }")
        facts = load(store, outcomes=True)
        sources = provenance(store)
    result.top = top_collaborators(organisation_graph(select(facts, Filters())), 5)
    title = "kgraph demo: public-sector partnerships"
    write_map(build(facts, MapOptions(title=title), sources), out)
    return result


def _count(store: Store, query: str) -> int:
    return int(store.select(query)[0]["n"])
