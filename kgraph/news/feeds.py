"""RSS 2.0 / RSS 1.0 / Atom feeds from a file: one item per entry, read without the network.

Safety first: a feed whose DTD declares entities (the "billion laughs" and XXE attacks) or
points at an external DTD is refused with one line before any parser sees it; defusedxml
then checks the document with entity expansion and external references forbidden. Only the
file's bytes are handed to feedparser (never a URL, so nothing is fetched).

A feed that is not well-formed is still read by feedparser's lenient parser when it finds
entries; an entry without a title or text, or with a date that cannot be read, is rejected
with its reason (one warning per bad entry) and the rest is imported. A file with no
readable entry at all is an error.
"""

from __future__ import annotations

import re

from kgraph.errors import BadInput
from kgraph.news.digest import Block, plain
from kgraph.records import DigestRef, Origin, PartialDate, Reject

FEED_HEAD = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)
_ENTRY_TAG = re.compile(rb"<(?:item|entry)\b", re.IGNORECASE)


def is_feed(head: bytes) -> bool:
    return bool(FEED_HEAD.search(head[:4096]))


def check_safe(data: bytes, path: str) -> None:
    """Refuse entity declarations and external DTDs; raise BadInput with one line."""
    if _ENTITY_DECL.search(data):
        raise BadInput(
            path,
            "refused: the feed declares XML entities (an entity-expansion or external-entity "
            "attack, or an unsafe feed); nothing was imported",
        )
    if _EXTERNAL_DTD.search(data[:65536]):
        raise BadInput(path, "refused: the feed refers to an external DTD; nothing was imported")
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BadInput(
            path, f"refused: unsafe XML ({type(exc).__name__}); nothing was imported"
        ) from None
    except Exception:  # noqa: S110  # not well-formed: the lenient parser decides
        pass


def _date(struct: object) -> PartialDate | None:
    if not struct:
        return None
    try:
        return PartialDate(struct[0], struct[1], struct[2])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None


def read_feed(data: bytes, path: str) -> tuple[list[Block], list[Reject]]:
    check_safe(data, path)
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        raise BadInput(
            path,
            "not a readable RSS or Atom feed"
            + (f": {str(why).splitlines()[0]}" if why else ": it has no entries"),
        )
    feed = parsed.get("feed", {})
    title = plain(feed.get("title") or "") or "feed"
    fdate = _date(feed.get("updated_parsed") or feed.get("published_parsed"))
    link = feed.get("link") or None
    digest = DigestRef(f"feed|{link or title}", title, fdate, None, link)
    lines = _entry_lines(data)
    blocks: list[Block] = []
    rejects: list[Reject] = []
    for n, e in enumerate(entries):
        line = lines[n] if n < len(lines) else None
        headline = plain(e.get("title") or "")
        text = plain(e.get("summary") or _content(e) or "")
        origin = Origin(path, line, headline or None)
        if not headline and not text:
            rejects.append(Reject(origin, "entry", "no title and no text"))
            continue
        raw_date = dict.get(e, "published") or dict.get(e, "updated")
        when = _date(dict.get(e, "published_parsed") or dict.get(e, "updated_parsed"))
        if raw_date and when is None:
            rejects.append(Reject(origin, "published", f"unrecognised date {raw_date!r}"))
            continue
        url = e.get("link") if isinstance(e.get("link"), str) else None
        blocks.append(
            Block("item", text, line or 1, digest, n + 1, None, headline or None,
                  when or fdate, url)
        )  # fmt: skip
    return blocks, rejects


def _content(entry: dict) -> str:
    content = entry.get("content") or []
    return " ".join(c.get("value", "") for c in content if isinstance(c, dict))


def _entry_lines(data: bytes) -> list[int]:
    return [data.count(b"\n", 0, m.start()) + 1 for m in _ENTRY_TAG.finditer(data)]
