"""News import speed: 1,000 generated digest items through `kgraph import`, end to end.

Usage: python -m benchmarks.news [--items 1000]

Prints the time for the news importer's own parsing/extraction, for the whole import
(resolution, triples, one transaction into an on-disk store), and as a baseline in the same
run the compendium import of the same facts written as CSV rows, with the ratio between them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from kgraph.hookspecs import ImportOptions
from kgraph.ingest import import_file
from kgraph.plugins import registry
from kgraph.store import Store

COUNCILS = [
    "Cardiff",
    "Newport",
    "Caerphilly",
    "Monmouthshire",
    "Torfaen",
    "Swansea",
    "Neath Port Talbot",
    "Bridgend",
    "Merton",
    "Sutton",
    "Wandsworth",
    "Cambridge",
    "Huntingdonshire",
    "Oxford",
    "Norwich",
    "Kent County Council",
    "Essex County Council",
]
HEADLINES = [
    ("{a} and {b} councils to share {s} service", "shared service"),
    ("{a} and {b} agree merger talks", "merger talks"),
    ("Joint {s} contract for {a} and {b} to save £{m}m a year", "joint procurement"),
]
SERVICES = ["legal", "planning", "waste", "payroll", "revenues and benefits"]


def write_inputs(folder: Path, items: int, seed: int = 1) -> tuple[Path, Path]:
    rnd = random.Random(seed)
    digest, rows = ["Thursday 29 January 2015", "", "News Summary from 28th January 2015", ""], []
    rows.append("Title,Lead,Partners,Service Area,Start")
    for i in range(items):
        a, b = rnd.sample(COUNCILS, 2)
        s, m = rnd.choice(SERVICES), rnd.randint(1, 9)
        template, _ = rnd.choice(HEADLINES)
        headline = template.format(a=a, b=b, s=s, m=m) + f" (item {i})"
        digest += [
            headline,
            "",
            f"{a} Council and {b} Council have agreed a plan for their {s} work, "
            f"expected to save £{m}m a year. Read more >>>",
            "",
        ]
        if i % 50 == 49:
            digest += ["************", "Section", ""]
        rows.append(f'"{headline}",{a},{b},{s},2015')
    news, csv = folder / "digest.txt", folder / "same-facts.csv"
    news.write_text("\n".join(digest), encoding="utf-8")
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return news, csv


def timed_import(path: Path, importer_name: str, store_dir: Path) -> tuple[float, int]:
    importer = registry().get(importer_name)
    start = time.perf_counter()
    with Store.open(store_dir, write=True, create=True) as store:
        report = import_file(store, path, importer, ImportOptions())
    return time.perf_counter() - start, report.records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        news, csv = write_inputs(folder, args.items)
        importer = registry().get("news")
        start = time.perf_counter()
        parsed = sum(1 for _ in importer.read(news, ImportOptions()))
        parse_s = time.perf_counter() - start
        news_s, news_records = timed_import(news, "news", folder / "news-store")
        csv_s, csv_records = timed_import(csv, "compendium", folder / "csv-store")
    print(f"news items generated: {args.items}")
    print(f"news importer alone (read + extract): {parse_s:.2f} s, {parsed} records and rejects")
    print(f"news end-to-end import: {news_s:.2f} s, {news_records} records")
    print(f"baseline, compendium CSV of the same facts: {csv_s:.2f} s, {csv_records} records")
    print(f"ratio news / compendium: {news_s / csv_s:.2f}x")


if __name__ == "__main__":
    main()
