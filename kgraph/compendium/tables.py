"""Opening a table: CSV/TSV (any of four delimiters), XLSX or JSON/JSON Lines -> a `Table`,
a header and the rows after it.

The header is the first row that looks like one (a title and organisation columns) among
the first non-blank rows, so notes above a table are skipped; the delimiter is whichever
splits the first rows into the most consistent columns.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph.compendium.columns import NO_COLUMN, find_column, recognise
from kgraph.compendium.encoding import HEAD_BYTES, OLE, sniff_encoding
from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions
from kgraph.values import clean_text

SAMPLE_CHARS = 65536
HEADER_SEARCH_ROWS = 20
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".psv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Table:
    """A header and the rows after it: (row number as a user sees it, cells)."""

    header: list[str]
    header_row: int
    rows: Iterable[tuple[int, Any]]
    ragged: bool  # rows may have more cells than the header (CSV); JSON/XLSX rows may not
    close: Callable[[], None] = lambda: None


def sniff_delimiter(sample: str, wanted: str | None) -> str:
    """The delimiter asked for ("tab", "comma", ... or the character), else the one of
    `DELIMITERS` that splits the sample's first rows into the most consistent columns."""
    if wanted:
        return {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
            wanted, wanted
        )
    lines = sample.splitlines(keepends=True)
    if len(sample) >= SAMPLE_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    text = "".join(lines[:60])
    best, best_key = ",", None
    for delim in DELIMITERS:
        # newline="": a file with old Mac line ends (CR only) splits into its lines
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        parsed = [r for r in reader if any(r)][:30]
        widths = [len(trim(r)) for r in parsed]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        # a delimiter that cuts through quoted cells leaves stray quote marks in them
        # ('X,Cardiff,"A' from 'X,Cardiff,"A; B"' read with ';'): the right one leaves none
        stray = sum('"' in cell for row in parsed for cell in row)
        key = (modal >= 2, -stray, round(widths.count(modal) / len(widths), 1), modal)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    return best


def trim(cells: list[Any]) -> list[Any]:
    """Cells without trailing empties."""
    end = len(cells)
    while end and (cells[end - 1] is None or (isinstance(cells[end - 1], str) and not
                                               cells[end - 1].strip())):  # fmt: skip
        end -= 1
    return cells[:end]


def is_blank(cells: Iterable[Any]) -> bool:
    """Whether a row has no cell with anything in it."""
    for c in cells:
        if c is None:
            continue
        if isinstance(c, str):
            if c.strip():
                return False
        elif isinstance(c, list | dict | tuple):
            if c:
                return False
        else:
            return False
    return True


def _header_cells(cells: list[Any]) -> list[str]:
    header = [clean_text(c) for c in trim(list(cells))]
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def pick_header(
    candidates: list[tuple[int, list[Any]]], mapping: dict[str, str]
) -> tuple[int, list[str]] | None:
    """The row among the first non-blank ones that looks most like a header."""
    first: tuple[int, list[str]] | None = None
    title_only: tuple[int, list[str]] | None = None
    for pos, (_, cells) in enumerate(candidates):
        header = _header_cells(cells)
        if not header:
            continue
        if first is None:
            first = (pos, header)
        if mapping:
            wanted = [c for c in mapping.values() if c.strip() not in NO_COLUMN]
            if all(find_column(header, c) is not None for c in wanted):
                return pos, header
            continue
        try:
            cols = recognise(header)
        except ValueError:
            continue
        if "title" in cols.single and cols.has_orgs():
            return pos, header
        if "title" in cols.single and title_only is None:
            title_only = (pos, header)
    return title_only or first


def _table_from_rows(
    rows: Iterator[tuple[int, list[Any]]], mapping: dict[str, str], ragged: bool
) -> Table | None:
    candidates: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if is_blank(cells):
            continue
        candidates.append((number, list(cells)))
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    picked = pick_header(candidates, mapping)
    if picked is None:
        return None
    pos, header = picked
    rest = candidates[pos + 1 :]

    def chained() -> Iterator[tuple[int, Any]]:
        yield from rest
        yield from rows

    return Table(header, candidates[pos][0], chained(), ragged)


def _csv_table(path: Path, options: ImportOptions) -> Table:
    name = str(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise BadInput(name, "empty file")
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return xlsx_table(path, options)
    encoding, errors = sniff_encoding(head, name, options.encoding)
    fh = path.open(encoding=encoding, errors=errors, newline="")
    try:
        sample = fh.read(SAMPLE_CHARS)
        fh.seek(0)
    except UnicodeDecodeError as exc:
        fh.close()
        raise BadInput(name, f"cannot be decoded as {encoding}: {exc.reason}") from None
    if not sample.strip():
        fh.close()
        raise BadInput(name, "empty file")
    if (
        path.suffix.lower() in (".tsv", ".tab")
        and "\t" in sample
        and not options.extra.get("delimiter")
    ):
        delim = "\t"
    else:
        delim = sniff_delimiter(sample, options.extra.get("delimiter"))
    if len(delim) != 1:  # csv would raise a bare TypeError
        fh.close()
        raise BadInput(name, f"delimiter must be one character, not {delim!r}")
    skip_space = bool(re.search(re.escape(delim) + r' +"', sample[:4096]))
    reader = csv.reader(fh, delimiter=delim, skipinitialspace=skip_space)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number, row = 0, []
        try:
            for number, row in enumerate(reader, start=1):  # noqa: B007
                yield number, row
            if row and "\n" in row[-1] and not _ends_with_quote(path):
                raise BadInput(
                    name, "a quoted cell is never closed: it runs to the end of the file",
                    line=number,
                )  # fmt: skip
        except csv.Error as exc:
            raise BadInput(name, f"malformed CSV: {exc}", line=number + 1) from None
        except UnicodeDecodeError as exc:
            raise BadInput(
                name, f"cannot be decoded as {encoding} ({exc.reason}); try another --encoding",
                line=number + 1,
            ) from None  # fmt: skip

    try:
        table = _table_from_rows(rows(), options.mapping, ragged=True)
    except BaseException:
        fh.close()
        raise
    if table is None:
        fh.close()
        raise BadInput(name, "empty file")
    table.close = fh.close
    return table


def _ends_with_quote(path: Path) -> bool:
    """Whether the file's last character other than white space is a double quote."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 256))
        return fh.read().rstrip().endswith(b'"')


def xlsx_table(path: Path, options: ImportOptions) -> Table:
    """The first sheet (or the one ``sheet`` names) with a title and organisation columns,
    else the first sheet with any rows."""
    import openpyxl

    name = str(path)
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head.strip():
            raise BadInput(name, "empty file")
        if head.startswith(OLE):
            raise BadInput(name, "an Excel 97-2003 workbook, not .xlsx: save it as .xlsx or CSV")
        raise BadInput(name, "not a valid XLSX file (not a zip archive)")
    fh = path.open("rb")  # a file object: openpyxl would refuse a name not ending in .xlsx
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        fh.close()
        raise BadInput(name, f"not a valid XLSX file ({type(exc).__name__}: {exc})") from None

    def close() -> None:
        wb.close()
        fh.close()

    try:
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
        wanted = options.extra.get("sheet")
        if wanted:
            sheets = [ws for ws in sheets if ws.title == wanted]
            if not sheets:
                names = ", ".join(ws.title for ws in wb.worksheets)
                raise BadInput(name, f"no sheet '{wanted}' (sheets: {names})")
        fallback: Table | None = None
        for ws in sheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers record a wrong sheet size
            table = _table_from_rows(_sheet_rows(name, ws), options.mapping, False)
            if table is None:
                continue
            try:
                cols = recognise(table.header, options.mapping)
            except ValueError:
                cols = None
            if cols is not None and "title" in cols.single and cols.has_orgs():
                table.close = close
                return table
            if fallback is None:
                fallback = table
        if fallback is None:
            raise BadInput(name, "empty file")
        fallback.close = close
        return fallback
    except BaseException:
        close()
        raise


def _sheet_rows(name: str, ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    except Exception as exc:  # a damaged sheet: bad XML, a bad number, ...
        raise BadInput(name, f"damaged sheet '{ws.title}' ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class NotObject:
    """A JSON record that is not an object: reported as a reject."""

    value: Any


# keys under which an object holds its list of records
JSON_LISTS = ("records", "data", "items", "partnerships", "rows", "results")


def _json_table(path: Path, options: ImportOptions) -> Table:
    name = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise BadInput(name, "empty file")
    encoding, errors = sniff_encoding(raw[:HEAD_BYTES], name, options.encoding)
    text = raw.decode(encoding, errors=errors)
    if not text.strip():
        raise BadInput(name, "empty file")
    numbered: list[tuple[int, Any]]
    try:
        data = json.loads(text)
        lines = False
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise BadInput(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
        lines = True
    if lines:
        numbered = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise BadInput(name, f"not valid JSON Lines: {exc.msg}", line=number) from None
    else:
        if isinstance(data, dict):
            found = next((data[k] for k in JSON_LISTS if isinstance(data.get(k), list)), None)
            if found is None:
                lists = [v for v in data.values() if isinstance(v, list)]
                found = lists[0] if len(lists) == 1 else None
            if found is None:
                raise BadInput(
                    name,
                    "expected an array of objects, or an object with a list under "
                    + "/".join(f'"{k}"' for k in JSON_LISTS[:4]),
                )
            data = found
        if not isinstance(data, list):
            raise BadInput(name, "expected an array of objects")
        numbered = list(enumerate(data, start=1))
    if not numbered:
        raise BadInput(name, "no records")
    keys: dict[str, None] = {}
    for _, rec in numbered:
        if isinstance(rec, dict):
            for k in rec:
                keys.setdefault(str(k), None)
    header = list(keys)
    if not header:
        raise BadInput(name, "no records (no objects with fields)")

    def rows() -> Iterator[tuple[int, Any]]:
        for number, rec in numbered:
            if isinstance(rec, dict):
                yield number, [rec.get(k) for k in header]
            else:
                yield number, NotObject(rec)

    return Table(header, 0, rows(), ragged=False)


def open_table(path: Path, options: ImportOptions) -> Table:
    """The table in a file, by its suffix (a CSV that is really a workbook is read as one);
    BadInput when there is none. Close it when done."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return xlsx_table(path, options)
    if suffix in JSON_SUFFIXES:
        return _json_table(path, options)
    return _csv_table(path, options)
