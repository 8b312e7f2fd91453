"""Rows -> text: an aligned table, CSV (formula cells neutralised) or a JSON array."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Keep spreadsheet programs from running a cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(_plain(row.get(c, ""))) for c in columns])
    return buf.getvalue()


def as_json(rows: Sequence[dict[str, object]], columns: Sequence[str] | None = None) -> str:
    if columns is not None:
        rows = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n"


def as_table(rows: Sequence[dict[str, object]], columns: Sequence[str], limit: int = 60) -> str:
    if not rows:
        return "(none)\n"
    cells = [[_short(_plain(row.get(c, "")), limit) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    numeric = [all(_is_number(r[i]) for r in cells) for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    # control characters from sources must not drive the terminal
    return "".join(ch if ch.isprintable() else " " for ch in str(value))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return True
