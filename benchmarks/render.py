"""Map size and speed: file size and time to first draw in headless Chromium.

    python -m benchmarks.render                 # 100, 1,000 and 5,000 organisations
    python -m benchmarks.render --sizes 100     # a smoke run

A partnership network is generated (organisations in 12 regions, partnerships of 2-6
members mostly inside a region, about 3 partnerships per organisation) and drawn with
`--top 0` (every organisation). For each size it prints the organisations and ties drawn,
the time to build the rows and the layout in Python, the HTML file's size, and the time
from navigation to vis-network's first drawn frame in Debian's chromium (Playwright, every
non-file request aborted). Needs /usr/bin/chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from benchmarks.browser import CHROMIUM, open_page  # noqa: E402
from kgraph.analytics.facts import (  # noqa: E402
    Concept,
    Facts,
    Membership,
    Org,
    Partnership,
)
from kgraph.render import MapOptions, build, write_map  # noqa: E402

TYPES = [Concept(f"urn:type/{t}", t, t.replace("-", " ")) for t in ("council", "police", "health")]
SERVICES = [Concept(f"urn:service/{s}", s, s) for s in ("waste", "ict", "social care", "policing")]
REGIONS = [Concept(f"urn:region/{i}", f"r{i}", f"Region {i}") for i in range(12)]


def generate(n: int, seed: int = 1) -> Facts:
    rng = random.Random(seed)
    orgs = [
        Org(f"urn:org/{i}", f"Organisation {i:05d}", rng.choice(TYPES), region=REGIONS[i % 12])
        for i in range(n)
    ]
    by_region = [[o for o in orgs if o.region == r] for r in REGIONS]
    parts, members = [], []
    for i in range(max(1, n * 3 // 4)):
        pool = orgs if rng.random() < 0.05 else rng.choice(by_region)
        chosen = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
        start = rng.randint(2000, 2020)
        iri = f"urn:partnership/{i}"
        parts.append(Partnership(iri, f"Partnership {i}", (rng.choice(SERVICES),)))
        members += [Membership(iri, o.iri, start, start + rng.randint(1, 10)) for o in chosen]
    return Facts.build(orgs, parts, members)


def first_draw(path: Path) -> tuple[float, int, list[str]]:
    """(ms from navigation to the first drawn frame, nodes in the page, blocked requests)."""
    from playwright.sync_api import sync_playwright

    seen = open_page(
        sync_playwright,
        path,
        lambda page: {
            "drawn": page.evaluate("window.kgraphMap.drawnAt"),
            "nodes": page.evaluate("window.kgraphMap.network.body.data.nodes.length"),
        },
        timeout_ms=300_000,
    )
    return seen["drawn"], seen["nodes"], seen["requests"]


def run(sizes: list[int], seed: int = 1, out=sys.stdout) -> list[dict]:
    """Build, write and draw a map of each size; prints the table, returns one row a size.
    Raises RuntimeError when Chromium is missing or the page drew the wrong nodes."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium"
        )
    heads = ("orgs", 6), ("ties", 8), ("physics", 7), ("build s", 8), ("file MB", 8)
    out.write(" ".join(f"{h:>{w}}" for h, w in heads) + f" {'first draw s':>12}\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            facts = generate(n, seed)
            started = time.perf_counter()
            data = build(facts, MapOptions(top=0, title=f"benchmark {n}"))
            path = write_map(data, Path(tmp) / f"map-{n}.html")
            built = time.perf_counter() - started
            drawn, nodes, blocked = first_draw(path)
            if nodes != len(data.nodes) or blocked:
                raise RuntimeError(
                    f"page drew {nodes} of {len(data.nodes)} nodes; blocked {blocked}"
                )
            row = {
                "orgs": len(data.nodes),
                "ties": len(data.edges),
                "build": built,
                "mb": path.stat().st_size / 1e6,
                "first_draw": drawn / 1000,
            }
            rows.append(row)
            out.write(
                f"{row['orgs']:>6,} {row['ties']:>8,} {str(data.physics):>7} "
                f"{built:>8.2f} {row['mb']:>8.2f} {row['first_draw']:>12.2f}\n"
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated node counts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        run([int(s) for s in args.sizes.split(",")], args.seed)
    except RuntimeError as exc:
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
