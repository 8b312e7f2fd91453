"""--map FIELD=COLUMN options and mapping files -> {field: column}."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from kgraph.errors import BadInput, UsageProblem


def parse_mapping(pairs: Iterable[str], path: Path | None = None) -> dict[str, str]:
    """A mapping file first, then --map options on top (the command line wins)."""
    mapping = read_mapping_file(path) if path else {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UsageProblem(f"--map expects FIELD=COLUMN, got '{pair}'")
        mapping[field.strip()] = column.strip()
    return mapping


def read_mapping_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as exc:
        raise BadInput(str(path), f"cannot read mapping file: {exc}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno) from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise BadInput(str(path), 'expected an object such as {"title": "Project Name"}')
        return dict(data)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    mapping: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        if not row or row[0].startswith("#") or (number == 1 and row[:1] == ["field"]):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise BadInput(str(path), "expected two cells: field,column", line=number)
        mapping[row[0].strip()] = row[1].strip()
    return mapping
