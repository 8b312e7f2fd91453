"""The "news" importer: news digests, single articles and RSS/Atom feeds -> events.

* Plain-text or HTML digests like the weekly "News Summary of Collaboration and Shared
  Services": several issues per file, dated headings, section rules, headline + summary +
  "Read more >>>" items between commentary paragraphs (see `kgraph.news.digest`).
* A single article (text or HTML): one item, its title as headline, every paragraph read.
* RSS 2.0 / RSS 1.0 / Atom from a file; entity declarations and external DTDs are refused,
  nothing is ever fetched (see `kgraph.news.feeds`).

Each item becomes an `EventRecord` (headline, summary, date, digest, kind, organisations,
service areas, money, sentence, confidence); commentary and lists give events only where
they state a collaboration between named bodies (see `kgraph.news.extract`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kgraph.errors import BadInput
from kgraph.hookspecs import Importer, ImportOptions, hookimpl
from kgraph.records import Record, Reject

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
PEEK = 65536
# reading costs about 10 s a megabyte of text; a digest is rarely more than a few hundred KB
MAX_BYTES = 4_000_000
_HTML = re.compile(rb"<!doctype\s+html|<html\b|<body\b|<p\b|<div\b|<br\s*/?>", re.IGNORECASE)
_NEWSY = re.compile(
    r"read\s+more|news\s+summary|\bnews\b|\bdigest\b|\bbulletin\b|\bcouncils?\b", re.IGNORECASE
)


def detect(path: Path) -> int:
    """0..100: how surely this is news. Never raises; CSV and JSON are never claimed."""
    try:
        return _detect(Path(path))
    except Exception:
        return 0


def _detect(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES + FEED_SUFFIXES or not path.is_file():
        return 0
    with path.open("rb") as fh:
        head = fh.read(PEEK)
    from kgraph.news.feeds import is_feed

    if is_feed(head):
        return 90
    if suffix in FEED_SUFFIXES:
        return 0
    text = _decode(head)
    if suffix in HTML_SUFFIXES or _HTML.search(head):
        return 70 if _NEWSY.search(text) else 40
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0
    if _tabular(lines):
        return 0
    from kgraph.news.digest import READ_MORE

    if READ_MORE.search(text):
        return 80
    words = sum(len(line.split()) for line in lines)
    return 40 if words / len(lines) >= 8 and _NEWSY.search(text) else 15


def _tabular(lines: list[str]) -> bool:
    """Most lines split into the same number (>2) of cells: a table, not prose."""
    sample = lines[:30]
    for delim in (",", "\t", ";", "|"):
        counts = [line.count(delim) for line in sample]
        common = max(set(counts), key=counts.count)
        if common >= 2 and counts.count(common) >= len(sample) * 0.8:
            return True
    return False


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read(path: Path, options: ImportOptions) -> Iterator[Record | Reject]:
    from kgraph.news import digest, feeds
    from kgraph.news.extract import Extractor

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BadInput(
            str(path),
            f"too large for a news file ({size / 1e6:.1f} MB; at most {MAX_BYTES / 1e6:g} MB): "
            "split it into smaller files",
        )
    data = path.read_bytes()
    if not data.strip():
        raise BadInput(str(path), "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(str(path), "a binary file, not news text, HTML or a feed")
    rejects: list[Reject] = []
    if feeds.is_feed(data[:PEEK]):
        blocks, rejects = feeds.read_feed(data, str(path))
    else:
        if options.encoding:
            try:
                text = data.decode(options.encoding)
            except (LookupError, UnicodeDecodeError) as exc:
                raise BadInput(
                    str(path), f"cannot be decoded as {options.encoding}: {exc}"
                ) from None
        else:
            text = _decode(data)
        article = options.extra.get("article", "").lower() in ("1", "yes", "true")
        if path.suffix.lower() in HTML_SUFFIXES or _HTML.search(data[:PEEK]):
            units, title, date = digest.html_units(text)
            blocks = digest.split(units, title=title, date=date, force_article=article)
        else:
            blocks = digest.split(digest.text_units(text), force_article=article)
    if not blocks and not rejects:
        raise BadInput(str(path), "no news items found (no headlines, summaries or entries)")
    yield from rejects
    yield from Extractor(str(path)).run(blocks)


def prepare() -> None:
    from kgraph.news import feeds  # noqa: F401 - imported by read(), loaded here ahead of it
    from kgraph.news.extract import prepare as prepare_extractor

    prepare_extractor()


IMPORTER = Importer(
    name="news",
    description="News digests, single articles (text or HTML) and RSS/Atom feeds -> events",
    detects="*.txt, *.html with headlines and 'Read more'; *.xml, *.rss, *.atom feeds",
    detect=detect,
    read=read,
    fields=(),
    prepare=prepare,
)


@hookimpl
def kgraph_importers() -> list[Importer]:
    return [IMPORTER]
