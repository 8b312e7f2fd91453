"""Copy the multi-council statutory partnerships of the reference set into data/sample/.

Usage: python scripts/build_samples.py [../shared/reference]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(reference: Path) -> None:
    source = reference / "derived_partnership_memberships" / "partnerships_summary.csv"
    target = ROOT / "data" / "sample" / "statutory_partnerships.csv"
    with source.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if int(r["n_members"]) >= 2]
        fields = reader.fieldnames
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{target.relative_to(ROOT)}: {len(rows)} partnerships with two or more members")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
