"""A copy of `facts.load`'s answer kept beside the store, keyed by the store's state.

Reading the facts scans every membership: ~6 s at 20,000 partnerships, a minute at 200,000,
and every analytics command, map and report starts with it. The answer depends only on what
the store holds, so it is written to `<store>/cache/facts-<key>.json` and read back while
the store is unchanged. The key hashes kgraph's version, this format, and for every named
graph either its own description (a source: checksum, importer version, triple count and
the times of the import that wrote it, which change with every write of the graph) or all
its quads (the ontology and the review decisions, both small). A cache that cannot be read
or written is ignored: the facts are then read from the store as before.

JSON, not pickle: a file in a shared store folder must never be able to run code.
Set KGRAPH_NO_CACHE=1 to read the store every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgraph import __version__
from kgraph.analytics.facts import (
    Concept,
    Facts,
    Membership,
    Org,
    OutcomeFact,
    Partnership,
    SourceInfo,
)

FORMAT = 1
ENV_NO_CACHE = "KGRAPH_NO_CACHE"
KEEP = 4  # cache files kept per store (one per recent state and outcomes flag)
MAX_HASHED = 200_000  # quads of a non-source graph hashed whole; a bigger one disables the cache
SOURCE_PREFIX = "https://w3id.org/kgraph/id/source/"


def state_key(inner: ox.Store, outcomes: bool) -> str | None:
    """The store's state as a hex digest, or None when it is too costly to tell."""
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{outcomes}".encode())
    for graph in sorted(inner.named_graphs(), key=str):
        h.update(f"\x1e{graph}".encode())
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(SOURCE_PREFIX):
            subjects = (graph, ox.NamedNode(f"{graph.value}/import"))
            quads = [q for s in subjects for q in inner.quads_for_pattern(s, None, None, graph)]
        else:
            quads = []
            for q in inner.quads_for_pattern(None, None, None, graph):
                quads.append(q)
                if len(quads) > MAX_HASHED:
                    return None
        for line in sorted(str(q) for q in quads):
            h.update(line.encode())
    return h.hexdigest()


def read(folder: Path, key: str) -> Facts | None:
    try:
        data = json.loads((folder / f"facts-{key}.json").read_text(encoding="utf-8"))
        return decode(data) if data.get("format") == FORMAT else None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write(folder: Path, key: str, facts: Facts) -> None:
    """Write atomically (other readers may be reading); keep the newest few; never fail."""
    try:
        folder.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".facts-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(encode(facts), fh, separators=(",", ":"))
        os.chmod(tmp, 0o644)  # as readable as the store itself
        os.replace(tmp, folder / f"facts-{key}.json")
        old = sorted(folder.glob("facts-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):  # unwritable folder, or a value JSON cannot hold
        pass


def enabled() -> bool:
    return os.environ.get(ENV_NO_CACHE, "") in ("", "0")


# -- the JSON form -------------------------------------------------------------------------
def encode(facts: Facts) -> dict[str, Any]:
    concepts: dict[Concept, int] = {}

    def ref(c: Concept | None) -> int | None:
        if c is None:
            return None
        return concepts.setdefault(c, len(concepts))

    for c in facts.concepts.values():
        ref(c)
    orgs = [
        [o.iri, o.label, ref(o.type), ref(o.sector), ref(o.region), o.gss]
        for o in facts.orgs.values()
    ]
    partnerships = [
        [
            p.iri,
            p.label,
            [ref(c) for c in p.services],
            ref(p.region),
            [[x.kind, x.amount, x.per] for x in p.outcomes],
        ]
        for p in facts.partnerships.values()
    ]
    return {
        "format": FORMAT,
        "concepts": [[c.iri, c.notation, c.label] for c in concepts],
        "concept_keys": {iri: ref(c) for iri, c in facts.concepts.items()},
        "scheme": facts.scheme,
        "texts": {k: sorted(v) for k, v in facts.texts.items()},
        "broader": {k: sorted(v) for k, v in facts.broader.items()},
        "orgs": orgs,
        "partnerships": partnerships,
        "memberships": [
            [m.partnership, m.org, m.start, m.end, sorted(m.sources)] for m in facts.memberships
        ],
        "sources": [[s.graph, s.file, s.path, s.sha256] for s in facts.sources],
    }


def decode(data: dict[str, Any]) -> Facts:
    table = [Concept(*row) for row in data["concepts"]]

    def concept(index: int | None) -> Concept | None:
        return None if index is None else table[index]

    facts = Facts(
        concepts={iri: table[i] for iri, i in data["concept_keys"].items()},
        scheme=dict(data["scheme"]),
        texts={k: set(v) for k, v in data["texts"].items()},
        broader={k: set(v) for k, v in data["broader"].items()},
        sources=[SourceInfo(*row) for row in data["sources"]],
    )
    for iri, label, kind, sector, region, gss in data["orgs"]:
        facts.orgs[iri] = Org(iri, label, table[kind], table[sector], concept(region), gss)
    for iri, label, services, region, outcomes in data["partnerships"]:
        facts.partnerships[iri] = Partnership(
            iri,
            label,
            tuple(table[i] for i in services),
            concept(region),
            tuple(OutcomeFact(*x) for x in outcomes),
        )
    facts.memberships = [
        Membership(p, o, start, end, frozenset(sources))
        for p, o, start, end, sources in data["memberships"]
    ]
    return facts
