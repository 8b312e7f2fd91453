"""Telling a compendium table from other files cheaply: find its header in the first rows
(or the keys of the first JSON records) and score how much of a compendium it names."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from kgraph.compendium.columns import recognise
from kgraph.compendium.encoding import HEAD_BYTES, sniff_encoding
from kgraph.compendium.tables import (
    JSON_LISTS,
    JSON_SUFFIXES,
    SAMPLE_CHARS,
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    is_blank,
    pick_header,
    sniff_delimiter,
    xlsx_table,
)
from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions


def _score_header(header: list[str]) -> int:
    try:
        cols = recognise(header)
    except ValueError:
        return 20
    title, orgs = "title" in cols.single, cols.has_orgs()
    if title and orgs:
        return min(90, 60 + 5 * max(0, cols.recognised() - 2))
    if title or orgs:
        return 30
    return 20


def score(path: Path) -> int:
    """0..100: how surely `path` is a compendium table, from its suffix and header. May raise
    (the plugin's `detect` turns any error into 0)."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + XLSX_SUFFIXES + JSON_SUFFIXES or not path.is_file():
        return 0
    unknown = 0 if suffix == ".txt" else 20
    if suffix in XLSX_SUFFIXES:
        try:
            table = xlsx_table(path, ImportOptions())
        except Exception:
            return unknown
        try:
            return _score_header(table.header)
        finally:
            table.close()
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_CHARS)
    if suffix in JSON_SUFFIXES:
        return _detect_json(head) or unknown
    try:
        encoding, _ = sniff_encoding(head[:HEAD_BYTES], str(path), None)
    except BadInput:
        return unknown
    text = head.decode(encoding, errors="replace")
    delim = sniff_delimiter(text, None)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))[:40]
    picked = pick_header([(i, r) for i, r in enumerate(rows) if not is_blank(r)], {})
    if picked is None:
        return unknown
    points = _score_header(picked[1])
    if suffix == ".txt" and points <= 20:
        return 10 if len(picked[1]) >= 3 else 0
    return points


def _detect_json(head: bytes) -> int:
    text = head.decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        first = text.split("\n", 1)[0]
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            keys = re.findall(r'"([^"\\]{1,80})"\s*:', text[:16384])
            return _score_header(list(dict.fromkeys(keys))) if keys else 0
    if isinstance(data, dict):
        found = next((data[k] for k in JSON_LISTS if isinstance(data.get(k), list)), None)
        data = found if found is not None else [data]
    if isinstance(data, list):
        keys = list(
            dict.fromkeys(str(k) for rec in data[:50] if isinstance(rec, dict) for k in rec)
        )
        return _score_header(keys) if keys else 0
    return 0
