"""Split news digests and single articles (plain text or HTML) into items.

A digest file holds one or more weekly issues. Each issue starts at a dated heading ("News
Summary of Collaboration and Shared Services from 28th January 2015", often after a posting
date line such as "Thursday 29 January 2015"), has sections divided by rules ("************")
with a title line, and between commentary paragraphs its news items: a headline line, then
a one-paragraph summary ending in "Read more >>>". Boilerplate ("Receive this ... every
week", "No comments:", "Post a Comment") is dropped.

What comes out, in reading order, is a list of `Block`s: items (headline, summary, date,
digest), commentary paragraphs and bullet-list entries, each with its 1-based line number
and the section ("story") it belongs to, so the extractor can carry context within a story.
A file with no "Read more" marker and no digest heading is a single article: one item whose
headline is the title and whose body is every paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from kgraph.memo import short_texts
from kgraph.records import DigestRef, PartialDate
from kgraph.values import clean_text, parse_date

__all__ = ["Block", "Unit", "html_units", "plain", "split", "text_units"]

READ_MORE = re.compile(
    r"\s*(?:\bread\s+(?:more|the\s+(?:full\s+)?(?:story|article|report))"
    r"|\bcontinue\s+reading|\bfull\s+(?:story|article))\b"
    r"\s*(?:>+|»+|›+|\.{3}|…|-+>|:)?\s*(?:here\b)?\s*(?:>+|»+)?\s*",
    re.IGNORECASE,
)
_ARROW = re.compile(r"(?:>|»|›|…|\.\.\.)\s*$")  # a read-more marker that points on
RULE = re.compile(r"^[\s*\-=_~#•·+]{3,}$")
BULLET = re.compile(r"^(?:[·•▪◦●■□*\-–—o§]|\d{1,2}[.)])\s+")
BOILERPLATE = re.compile(
    r"^(?:receive\s+this\b.*\b(?:inbox|email)|subscribe\b|unsubscribe\b|no\s+comments?:?$"
    r"|post\s+a\s+comment|newer\s+post|older\s+post|home$|share\s+(?:this|to)\b"
    r"|posted\s+by\b|labels?:|email\s+this|blogthis|subscribe\s+to:|copyright\b|©"
    r"|all\s+rights\s+reserved|view\s+(?:this\s+)?(?:email\s+)?in\s+(?:your\s+)?browser"
    r"|click\s+here\s+to\s+(?:subscribe|unsubscribe)|\d+\s+comments?:?$|links\s+to\s+this\s+post"
    r"|just\s+register\s+on\s+our\s+website|follow\s+us\b|powered\s+by\b)",
    re.IGNORECASE,
)
DIGEST_WORDS = re.compile(
    r"\b(?:news|summary|digest|bulletin|round-?up|briefing|newsletter|update|week(?:ly)?"
    r"|issue|edition)\b",
    re.IGNORECASE,
)
_DATE_IN_TEXT = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]+\.?,?\s+\d{4}"
    r"|[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")  # in every form of _DATE_IN_TEXT: a cheap test before it
HEADLINE_MAX_CHARS = 220
HEADLINE_MAX_WORDS = 32


@dataclass
class Unit:
    """A line or paragraph of the source as read, before it is given a role."""

    text: str
    line: int
    kind: str = "text"  # text, heading, bullet, rule
    url: str | None = None  # a link the unit carried ("Read more" target)
    date: PartialDate | None = None  # a date the markup gave it (<time datetime>)


@dataclass
class Block:
    """An item, a commentary paragraph or a bullet entry, in reading order."""

    kind: str  # "item", "commentary", "bullet"
    text: str  # the summary (items) or the paragraph
    line: int
    digest: DigestRef | None
    story: int  # index of the section within the file: context never crosses it
    section: str | None = None
    headline: str | None = None
    date: PartialDate | None = None
    url: str | None = None
    body: list[tuple[str, int]] = field(default_factory=list)  # article paragraphs


# -- reading units -----------------------------------------------------------------------------


_TAG = re.compile(r"<(?:[a-zA-Z][\w:-]*|/[a-zA-Z][\w:-]*|!--)[^>]*>")


def plain(text: str) -> str:
    """Markup in a line of text or a feed field as plain text: tags and scripts dropped."""
    if "<" not in text or not _TAG.search(text):
        return clean_text(text)
    units, _, _ = html_units(text)
    return clean_text(" ".join(u.text for u in units if u.kind != "rule"))


def text_units(text: str) -> list[Unit]:
    """Lines of plain text as units; hard-wrapped paragraphs are joined back together."""
    raw = [(plain(line), n) for n, line in enumerate(text.splitlines(), 1)]
    lengths = sorted(len(t) for t, _ in raw if t)
    wrapped = False
    if len(lengths) >= 8:
        p90 = lengths[int(len(lengths) * 0.9) - 1]
        long_lines = sum(1 for n in lengths if n >= p90 - 12)
        wrapped = 50 <= p90 <= 100 and long_lines >= len(lengths) * 0.3
        width = p90
    units: list[Unit] = []
    joinable = False
    for t, n in raw:
        if not t:
            joinable = False
            continue
        if wrapped and joinable and units and not RULE.match(t) and not BULLET.match(t):
            units[-1].text += " " + t
        else:
            units.append(Unit(t, n, "rule" if RULE.match(t) else "text"))
        joinable = wrapped and len(t) >= width - 15 and not READ_MORE.search(t)
    return _split_markers(units)


def _split_markers(units: list[Unit]) -> list[Unit]:
    """Text after a "Read more >>>" on the same line starts a unit of its own."""
    out: list[Unit] = []
    for u in units:
        m = _marker(u.text)
        if m and m.end() < len(u.text) and u.kind == "text":
            out.append(Unit(u.text[: m.end()].strip(), u.line, u.kind, u.url, u.date))
            out.extend(_split_markers([Unit(u.text[m.end() :].strip(), u.line, u.kind)]))
        else:
            out.append(u)
    return out


@short_texts(longest=2000, kept=4096)  # a unit's text is asked about up to three times
def _marker(text: str) -> re.Match[str] | None:
    """The first read-more marker that ends a sentence-like run (not "read more about X")."""
    for m in READ_MORE.finditer(text):
        tail = text[m.end() :]
        arrow = _ARROW.search(m.group(0))
        if arrow or not tail or tail[:1].isupper():
            return m
    return None


class _HTMLUnits(HTMLParser):
    """Block-level HTML to units: headings, list items, rules, paragraphs and <br> lines.

    Script, style and other non-text elements are dropped; entities are decoded once.
    """

    BLOCK = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "dd",
            "dt",
            "pre",
            "aside",
            "nav",
            "main",
            "figure",
            "figcaption",
            "title",
            "hr",
        ]
    )
    SKIP = frozenset(
        ["script", "style", "noscript", "template", "iframe", "svg", "head", "object", "embed"]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.buf: list[str] = []
        self.line = 1
        self.kind = "text"
        self.skip = 0
        self.href: str | None = None
        self.url: str | None = None
        self.title: str | None = None
        self.in_title = False
        self.time: PartialDate | None = None
        self.meta_date: PartialDate | None = None

    def flush(self) -> None:
        text = clean_text("".join(self.buf))
        if text:
            kind = "rule" if RULE.match(text) else self.kind
            self.units.append(Unit(text, self.line, kind, self.url, self.time))
        self.buf, self.url, self.time = [], None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in self.SKIP and tag != "head":
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
        if tag == "meta" and re.search(
            r"published|date", a.get("property", "") + a.get("name", "")
        ):
            self.meta_date = self.meta_date or _date_of(a.get("content", ""))
        if self.skip:
            return
        if tag in self.BLOCK:
            self.flush()
            self.line = self.getpos()[0]
            self.kind = {"li": "bullet", "hr": "rule"}.get(
                tag, "heading" if tag[:1] == "h" and tag[1:].isdigit() else "text"
            )
            if tag == "hr":
                self.units.append(Unit("***", self.line, "rule"))
        elif tag == "a":
            self.href = a.get("href")
        elif tag == "time":
            self.time = _date_of(a.get("datetime", ""))
        if not self.buf:
            self.line = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and tag != "head":
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
        if self.skip:
            return
        if tag in self.BLOCK:
            self.flush()
            self.kind = "text"
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = clean_text((self.title or "") + " " + data)
            return
        if self.skip:
            return
        if not "".join(self.buf).strip():
            self.line = self.getpos()[0] + (data[: len(data) - len(data.lstrip())].count("\n"))
        if self.href and READ_MORE.fullmatch(data.strip() or "x"):
            self.url = self.href
        self.buf.append(data)


def html_units(html: str) -> tuple[list[Unit], str | None, PartialDate | None]:
    """Units of an HTML page, its <title>, and a published date from its metadata."""
    parser = _HTMLUnits()
    parser.feed(html)
    parser.close()
    parser.flush()
    return _split_markers(parser.units), parser.title, parser.meta_date


def _date_of(text: str) -> PartialDate | None:
    try:
        return parse_date(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", text) else parse_date(text)
    except ValueError:
        return None


# -- giving units their roles ------------------------------------------------------------------


def heading_date(text: str) -> PartialDate | None:
    """The date in a short heading line ("... from 28th January 2015", "Thursday 29 Jan 2015")."""
    if len(text) > 160 or not _YEAR.search(text):
        return None
    m = _DATE_IN_TEXT.search(text)
    if not m:
        return None
    return _date_of(m.group(0))


def _is_bare_date(text: str) -> bool:
    m = _DATE_IN_TEXT.search(text) if _YEAR.search(text) else None
    return bool(m) and len(text) - len(m.group(0)) <= 3


def headline_like(text: str) -> bool:
    words = text.split()
    if not words or len(text) > HEADLINE_MAX_CHARS or len(words) > HEADLINE_MAX_WORDS:
        return False
    if text.endswith(("…", "...", ":")) or (text.endswith(".") and not text.endswith("Ltd.")):
        return False
    return not BOILERPLATE.match(text) and not RULE.match(text)


def _digest_key(title: str, date: PartialDate | None) -> str:
    return f"{date.iso() if date else ''}|{' '.join(title.lower().split())}"


def split(units: list[Unit], *, title: str | None = None, date: PartialDate | None = None,
          force_article: bool = False) -> list[Block]:  # fmt: skip
    """Blocks of a digest file, or of one article when no item marker or digest heading."""
    has_marker = any(_marker(u.text) for u in units)
    has_digest = any(
        DIGEST_WORDS.search(u.text) and heading_date(u.text) and headline_like(u.text)
        for u in units[:400]
    )
    if force_article or not (has_marker or has_digest):
        return _article(units, title, date)
    return _digest(units, title, date)


def _digest(units: list[Unit], title: str | None, date: PartialDate | None) -> list[Block]:
    blocks: list[Block] = []
    digest: DigestRef | None = (
        DigestRef(_digest_key(title, date), title, date) if title and date else None
    )
    story, section = 0, None
    pending: list[Unit] = []  # units not yet given a role (a headline waits for its summary)
    after_rule = False
    posted: PartialDate | None = None

    def commentary(u: Unit) -> None:
        if u.kind == "bullet" or BULLET.match(u.text):
            text = BULLET.sub("", u.text)
            blocks.append(Block("bullet", text, u.line, digest, story, section))
        else:
            blocks.append(Block("commentary", u.text, u.line, digest, story, section))

    def flush_pending() -> None:
        nonlocal section, after_rule, story
        for u in pending:
            if after_rule and headline_like(u.text) and u.kind != "bullet":
                section, after_rule = u.text, False
            else:
                commentary(u)
                after_rule = False
        pending.clear()

    for u in units:
        text = u.text
        if BOILERPLATE.match(text):
            flush_pending()
            continue
        if u.kind == "rule":
            flush_pending()
            story, section, after_rule = story + 1, None, True
            continue
        when = heading_date(text) if headline_like(text) else None
        if when is not None and (_is_bare_date(text) or DIGEST_WORDS.search(text)):
            flush_pending()
            if _is_bare_date(text):
                posted = when
                digest = DigestRef(_digest_key(text, when), text, when, None)
            else:
                issued = posted if posted and digest and digest.title != text else None
                if digest is not None and digest.date == posted and _is_bare_date(digest.title):
                    issued = posted
                digest = DigestRef(_digest_key(text, when), text, when, issued)
                posted = None
            story, section, after_rule = story + 1, None, False
            continue
        m = _marker(text)
        if m is not None:
            summary = text[: m.start()].strip()
            if not summary and pending:  # the marker on a line of its own
                summary = pending.pop().text
            headline, first = None, u.line
            if pending and headline_like(pending[-1].text) and pending[-1].kind != "bullet":
                top = pending.pop()
                headline, first = top.text, top.line
            flush_pending()
            after_rule = False
            if summary or headline:
                blocks.append(
                    Block("item", summary, first, digest, story, section, headline,
                          u.date or (digest.date if digest else None), u.url)
                )  # fmt: skip
            continue
        if u.kind == "heading" and not pending and headline_like(text):
            flush_pending()
        if pending and not headline_like(pending[-1].text):
            flush_pending()
        if len(pending) > 1:
            keep = pending.pop()
            flush_pending()
            pending.append(keep)
        pending.append(u)
    flush_pending()
    return blocks


def _article(units: list[Unit], title: str | None, date: PartialDate | None) -> list[Block]:
    """One item: title (the first heading-like unit, else the page title), a date near the
    top, the first paragraph as summary and every paragraph as body."""
    body = [u for u in units if u.kind != "rule" and not BOILERPLATE.match(u.text)]
    headline = None
    for idx, u in enumerate(body[:5]):
        if (
            (u.kind == "heading" or idx == 0)
            and headline_like(u.text)
            and not _is_bare_date(u.text)
        ):
            headline = u.text
            body = body[idx + 1 :]
            break
    headline = headline or title
    for u in body[:4]:
        when = heading_date(u.text)
        if when is not None and len(u.text) < 80:
            date = date or when
            body = [b for b in body if b is not u]
            break
    date = date or next((u.date for u in units if u.date), None)
    paragraphs = [(u.text, u.line) for u in body if len(u.text.split()) > 3]
    if not paragraphs and not headline:
        return []
    summary = paragraphs[0][0] if paragraphs else ""
    ref = DigestRef(_digest_key(headline or summary[:80], date), headline or summary[:80], date)
    line = units[0].line if units else 1
    return [Block("item", summary, line, ref, 1, None, headline, date, None, paragraphs[1:])]
