"""The "compendium" importer: one partnership per row of a table (CSV/TSV, XLSX, JSON).

Publishers head their columns in many ways ("Project Title", "Name of collaboration",
"Lead Body", "Host authority", "Partner 1".."Partner 4", "Efficiency Gain (GBP per year)"),
so columns are recognised by meaning, not by one spelling (see `recognise`); ``--map
FIELD=COLUMN`` settles any column recognition gets wrong or misses.

Reading rules, in the order a row meets them (the first problem rejects the row):

* a row with data beyond the header's last column, or a cell over 100,000 characters;
* no title; a start or end that is not a date; an end before the start; an amount that is
  not a plausible sum of money; partner codes not parallel to the partner names;
* fewer than two distinct organisations named by the lead and partner columns.

Row numbers are those a spreadsheet shows (the header is row 1 when it is the first row);
for JSON they are the record's position from 1 (the line for JSON Lines).

Text files are decoded as UTF-8 (a BOM says UTF-8, UTF-16 or UTF-32); bytes that are not
UTF-8 are read as Windows-1252, so a whole Windows-1252 file, or one pasted-in "£", reads
right. ``--encoding`` overrides this and is strict. The delimiter (comma, semicolon, tab or
pipe) is whichever splits the first rows into the most consistent columns.

Outcomes: an amount column gives one outcome of the kind its heading names ("savings" ->
saving, "efficiency gain" -> efficiency-gain, "contract value" -> contract-value,
"funding"/"grant" -> funding, "cost" -> cost), else of the kind the outcome text names,
else efficiency-gain; a heading saying "per year"/"annual"/"p.a." makes it yearly, and one
saying "£000"/"£k" or "£m" scales bare numbers. Without an amount, the first sum of money
in the outcome text is used, with the kind the words around it name. Outcome text with no
money is still an outcome (its kind from its words, else efficiency-gain).

``options.extra`` understands ``sheet`` (XLSX sheet name) and ``delimiter``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kgraph.compendium import rows
from kgraph.compendium.columns import FIELDS, Columns, Guess, column_list, guess, recognise
from kgraph.compendium.detection import score
from kgraph.compendium.names import split_orgs
from kgraph.compendium.rows import MAX_CELL
from kgraph.compendium.tables import (
    JSON_SUFFIXES,
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    Table,
    open_table,
)
from kgraph.errors import BadInput
from kgraph.hookspecs import Importer, ImportOptions, hookimpl
from kgraph.records import Record, Reject

__all__ = [  # what other modules and tests import from here
    "FIELDS",
    "IMPORTER",
    "JSON_SUFFIXES",
    "MAX_CELL",
    "TEXT_SUFFIXES",
    "XLSX_SUFFIXES",
    "Columns",
    "Guess",
    "Table",
    "detect",
    "guess",
    "kgraph_importers",
    "open_table",
    "read",
    "recognise",
    "split_orgs",
]


def _columns(path: str, table: Table, options: ImportOptions) -> Columns:
    """The table's columns, or BadInput naming the columns and the ``--map`` that would do."""
    try:
        cols = recognise(table.header, options.mapping)
    except ValueError as exc:
        raise BadInput(path, str(exc)) from None
    if "title" not in cols.single:
        why = f"no title column found ({column_list(table.header)}); use --map title=COLUMN"
        if len(table.header) == 1:
            why += " (only one column: is the file delimited by comma, semicolon, tab or |?)"
        raise BadInput(path, why)
    if not cols.has_orgs():
        raise BadInput(
            path,
            f"no lead or partner columns found ({column_list(table.header)}); "
            "use --map lead=COLUMN --map partners=COLUMN",
        )
    return cols


def read(path: Path, options: ImportOptions) -> Iterator[Record | Reject]:
    """Yield one PartnershipRecord or Reject per data row; BadInput if the file is unusable."""
    path = Path(path)
    name = str(path)
    limit = csv.field_size_limit(2**31 - 1)  # a whole description in one cell is data
    try:
        table = open_table(path, options)
        try:
            cols = _columns(name, table, options)
            yield from rows.records(name, table, cols)
        finally:
            table.close()
    finally:
        csv.field_size_limit(limit)  # the caller's process keeps its own limit


def detect(path: Path) -> int:
    """0..100: how surely this is a compendium table. Never raises."""
    try:
        return score(Path(path))
    except Exception:
        return 0


IMPORTER = Importer(
    name="compendium",
    description="Collaboration compendiums: one partnership per row (CSV/TSV, XLSX, JSON)",
    detects="*.csv, *.tsv, *.txt, *.xlsx, *.json with a title column and organisation columns",
    detect=detect,
    read=read,
    fields=FIELDS,
)


@hookimpl
def kgraph_importers() -> list[Importer]:
    return [IMPORTER]
