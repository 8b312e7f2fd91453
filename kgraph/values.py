"""Parsers for the values every importer meets: money, dates, free text.

Pure functions, no I/O. They raise ``ValueError`` with a short reason a user can act on
("no such date: 31/02/2015", "amount not a plausible sum: '£1e308'"); importers put that
reason into a ``Reject``.

* `parse_money` reads one cell ("£1.1bn", "over £200m", "£3.5m p.a.", "1,000,000.50");
  `find_money` finds every amount in a sentence ("savings of £1m per annum").
* `parse_date` reads the dates people type ("31/03/2015", "March 2015", "2015/16");
  `to_partial_date` also takes the ``datetime`` and numbers a spreadsheet gives.
* `clean_text` tidies any cell: NFC, no control characters, whitespace collapsed.
* `outcome_kind` names the kind of result a phrase reports ("saving", "funding", ...).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from decimal import Decimal, DecimalException, InvalidOperation

from kgraph.records import Money, PartialDate

__all__ = [
    "MAX_AMOUNT",
    "clean_text",
    "find_money",
    "outcome_kind",
    "parse_date",
    "parse_money",
    "to_partial_date",
]

# -- text --------------------------------------------------------------------------------------

# C0 controls except \t and \n (\r is a line break), DEL, and invisible characters that only
# cause trouble (BOM, zero-width space, soft hyphen).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b\u00ad]")
_HSPACE = re.compile(r"[^\S\n]+")


def clean_text(value: object, *, keep_newlines: bool = False) -> str:
    """A cell as tidy text: NFC, no control characters, whitespace runs made one space.

    With ``keep_newlines`` line breaks survive (``\\r\\n`` and ``\\r`` become ``\\n``; each line
    is trimmed and blank lines are dropped); otherwise every whitespace run, newlines
    included, becomes one space. ``None`` is ``""``; a whole float is written without ".0".
    """
    if value.__class__ is str:
        text = value
        if text.isascii() and text.isprintable():  # the common case, made fast
            return " ".join(text.split())
    elif value is None:
        return ""
    elif isinstance(value, str):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    else:
        text = str(value)
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = _CONTROL.sub("", text)
    if keep_newlines and ("\n" in text or "\r" in text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = (_HSPACE.sub(" ", line).strip() for line in text.split("\n"))
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


# -- money -------------------------------------------------------------------------------------

MAX_AMOUNT = Decimal(10) ** 13
"""Ten trillion pounds: more than any public body's budget; larger amounts are typos."""

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_MULT = r"(?:\s*(?:trillion|tn|billion|bn|b|million|mn|m|thousand|k)\b)"
_SCALE = {
    "trillion": 10**12,
    "tn": 10**12,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "thousand": 10**3,
    "k": 10**3,
}
_WORDS = (
    r"(?:half\s+an?|a\s+half|(?:a\s+)?quarter\s+of\s+an?|three[\s-]quarters?\s+of\s+an?"
    r"|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
)
_WORD_VALUE = {
    "a": Decimal(1),
    "an": Decimal(1),
    "one": Decimal(1),
    "two": Decimal(2),
    "three": Decimal(3),
    "four": Decimal(4),
    "five": Decimal(5),
    "six": Decimal(6),
    "seven": Decimal(7),
    "eight": Decimal(8),
    "nine": Decimal(9),
    "ten": Decimal(10),
}
# Qualifier as written -> the qualifier recorded (longest phrases first).
_QUALIFIERS = {
    "more than": "over",
    "in excess of": "over",
    "upwards of": "over",
    "just over": "over",
    "over": "over",
    "above": "over",
    "exceeding": "over",
    "at least": "at least",
    "a minimum of": "at least",
    "no less than": "at least",
    "not less than": "at least",
    "up to": "up to",
    "as much as": "up to",
    "a maximum of": "up to",
    "approximately": "about",
    "approx.": "about",
    "approx": "about",
    "around": "about",
    "about": "about",
    "roughly": "about",
    "some": "about",
    "circa": "about",
    "c.": "about",
    "ca.": "about",
    "an estimated": "about",
    "estimated": "about",
    "nearly": "almost",
    "almost": "almost",
    "close to": "almost",
    "just under": "almost",
    "under": "under",
    "less than": "under",
    "below": "under",
    "between": "between",
}
_QUAL_RE = "|".join(
    re.escape(q).replace(r"\ ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True)
)
_MONEY = re.compile(
    rf"""
    (?P<qual>(?<![\w.])(?:{_QUAL_RE})\s*|[~≈>]\s*|<\s*)?
    (?P<cur>£|(?<![A-Za-z])GBP\s?)?
    (?:
        (?P<num>{_NUM})(?P<mult>{_MULT})?
        (?:
            (?P<conn>\s*[-–—]\s*|\s+to\s+|\s+and\s+)
            (?P<cur2>£|GBP\s?)?(?P<num2>{_NUM})(?P<mult2>{_MULT})?
        )?
      |
        (?P<words>{_WORDS})\s+(?P<wmult>million|billion)
    )
    (?P<pounds>\s*(?:pounds(?:\s+sterling)?|sterling|GBP)\b)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PER = (
    (
        "year",
        re.compile(
            r"""^(?:
                [\s-]+(?:a|per|each|every|/)[\s-]*(?:year|annum|yr)\b
              | \s*/\s*(?:year|yr|annum|pa)\b
              | [\s-]*p\.\s?a\.?
              | \s+pa\b
              | \s+(?:annually|yearly|annual|recurring)\b
            )""",
            re.IGNORECASE | re.VERBOSE,
        ),
    ),
    (
        "month",
        re.compile(
            r"""^(?:
                [\s-]+(?:a|per|each|every)[\s-]*(?:month|mo)\b
              | \s*/\s*(?:month|mo|mth)\b
              | \s+(?:monthly|pcm)\b
            )""",
            re.IGNORECASE | re.VERBOSE,
        ),
    ),
)
_NOUNS = (
    r"(?:savings?|costs?|payments?|fund(?:ing)?|income|budget|spend|value|fees?|charges?"
    r"|contract|efficienc(?:y|ies)|gains?|benefits?|grant)"
)
_PER_BEFORE = (
    (
        "year",
        re.compile(
            rf"\b(?:annual|yearly|recurring)\s+(?:\w+\s+)?{_NOUNS}\s+(?:[\w%]+\s+){{0,3}}$",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(rf"\bmonthly\s+(?:\w+\s+)?{_NOUNS}\s+(?:[\w%]+\s+){{0,3}}$", re.I),
    ),
)
_NONSENSE = re.compile(r"^[+-]?\s*(?:£\s*)?[+-]?\s*(?:inf|infinity|nan)$", re.IGNORECASE)
_NEGATIVE = re.compile(r"^\(?\s*(?:[-−–]\s*(?:£|GBP)?|(?:£|GBP)\s*[-−–])\s*\d", re.IGNORECASE)


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _scale(mult: str | None) -> int:
    return _SCALE[mult.strip().lower()] if mult else 1


def _word_amount(words: str, wmult: str) -> Decimal:
    w = " ".join(words.lower().split())
    if w.startswith("three"):
        base = Decimal("0.75") if "quarter" in w else Decimal(3)
    elif "half" in w:
        base = Decimal("0.5")
    elif "quarter" in w:
        base = Decimal("0.25")
    else:
        base = _WORD_VALUE[w]
    return base * _SCALE[wmult.lower()]


def _tidy(amount: Decimal) -> Decimal:
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount


def _check(amount: Decimal, text: str) -> Decimal:
    try:
        ok = amount.is_finite() and Decimal(0) <= amount <= MAX_AMOUNT
    except DecimalException:
        ok = False
    if not ok:
        raise ValueError(f"amount not a plausible sum: {text!r}")
    return _tidy(amount)


def _glued(text: str, start: int, end: int) -> bool:
    """An amount stuck to letters or digits ("12abc", "E06000022", "1.2.3") is not an amount."""
    before = text[start - 1] if start > 0 else ""
    return bool(
        (before and (before.isalnum() or before in "._"))
        or re.match(r"[A-Za-z0-9_]|[.,]\d", text[end : end + 2])
    )


def _from_match(text: str, m: re.Match[str], *, sentence: bool) -> tuple[Money | None, int]:
    """The Money a match of _MONEY stands for (None if it is not money here), and where the
    next search starts. Raises ValueError for an implausible sum."""
    cur, pounds = m.group("cur"), m.group("pounds")
    qualifier = _qualifier(m)
    if m.group("words"):
        if sentence and not (cur or pounds):
            return None, m.end()
        amount = _word_amount(m.group("words"), m.group("wmult"))
        first, end = m.start("words"), m.end()
    else:
        first = m.start("cur") if cur else m.start("num")
        mult = m.group("mult")
        end = m.end("mult") if mult else m.end("num")
        amount = _decimal(m.group("num")) * _scale(mult)
        if m.group("num2"):
            conn = m.group("conn").strip().lower()
            mult2 = m.group("mult2")
            is_range = (conn != "and" or qualifier == "between") and not (
                mult and not (mult2 or m.group("cur2"))  # "£5m - 10 councils"
            )
            low = _decimal(m.group("num")) * _scale(mult or mult2)
            high = _decimal(m.group("num2")) * _scale(mult2)
            if is_range and high >= low:
                amount, qualifier = low, "between"
                end = m.end("mult2") if mult2 else m.end("num2")
                if pounds:
                    end = m.end("pounds")
            elif qualifier == "between":
                qualifier = None
        elif pounds:
            end = m.end("pounds")
        if _glued(text, first, end):
            return None, end
        if sentence and not (cur or pounds or (qualifier == "between" and m.group("cur2"))):
            return None, end
    start = m.start("qual") if m.group("qual") else first
    per, stop = _per(text, start, end)
    money_text = text[start:stop].strip()
    return Money(_check(amount, money_text), per, qualifier, money_text), stop


def _qualifier(m: re.Match[str]) -> str | None:
    raw = " ".join((m.group("qual") or "").lower().split())
    return {"~": "about", "≈": "about", ">": "over", "<": "under"}.get(raw) or _QUALIFIERS.get(raw)


def _per(text: str, start: int, end: int) -> tuple[str | None, int]:
    rest = text[end:]
    for per, pattern in _PER:
        hit = pattern.match(rest)
        if hit:
            return per, end + hit.end()
    before = text[max(0, start - 80) : start]
    for per, pattern in _PER_BEFORE:
        if pattern.search(before):
            return per, end
    return None, end


# Every match of _MONEY holds a digit or "million"/"billion", at most this many characters
# after its start (qualifier, currency and number words, written with single spaces as
# clean_text leaves them): searching from there finds the same match as from far before,
# without trying the long pattern at every position of a sentence (tests/test_values.py).
# A match whose first such core is a digit has no number words before it: a shorter lead.
_CORE = re.compile(r"\d|million|billion", re.IGNORECASE)
_LEAD = 80
_LEAD_DIGIT = 24


def _scan(text: str, *, sentence: bool):
    """(marked, Money or ValueError) for each candidate amount, left to right; `text` as
    clean_text gives it."""
    pos = 0
    while True:
        core = _CORE.search(text, pos)
        if core is None:
            return
        lead = _LEAD_DIGIT if text[core.start()].isdigit() else _LEAD
        m = _MONEY.search(text, max(pos, core.start() - lead))
        if m is None:
            return
        if not (m.group("num") or m.group("words")):
            pos = m.end() if m.end() > pos else pos + 1
            continue
        marked = bool(m.group("cur") or m.group("pounds"))
        try:
            money, stop = _from_match(text, m, sentence=sentence)
        except ValueError as exc:
            yield marked, exc
            pos = max(m.end(), pos + 1)
            continue
        if money is not None:
            yield marked, money
        pos = max(stop, pos + 1)


def parse_money(text: object) -> Money | None:
    """The amount in one cell, or None when it holds none ("", "n/a", "not known").

    Raises ValueError for malformed or absurd amounts ("1.2.3", "£1e308", "-£5m", "inf").
    Amounts marked with £/GBP/pounds win over bare numbers; a range gives its lower bound
    with qualifier "between"; "a year", "per annum", "p.a." give per="year".
    """
    if isinstance(text, bool):
        raise ValueError(f"not an amount: {text!r}")
    if isinstance(text, int | float | Decimal):
        try:
            amount = Decimal(str(text)) if not isinstance(text, Decimal) else text
        except InvalidOperation:
            raise ValueError(f"amount not a plausible sum: {str(text)!r}") from None
        return Money(amount=_check(amount, str(text)), text=clean_text(text))
    s = clean_text(text)
    if not s:
        return None
    if s.isdigit() and s.isascii():  # the common case: a plain whole number
        return Money(amount=_check(Decimal(s), s), text=s)
    if _NONSENSE.match(s) or _NEGATIVE.search(s):
        raise ValueError(f"amount not a plausible sum: {s!r}")
    bare: Money | ValueError | None = None
    for marked, found in _scan(s, sentence=False):
        if marked:
            if isinstance(found, ValueError):
                raise found
            return found
        if bare is None:
            bare = found
    if isinstance(bare, ValueError):
        raise bare
    if bare is not None:
        return bare
    if any(ch.isdigit() for ch in s):
        raise ValueError(f"not an amount: {s!r}")
    return None


def find_money(text: str) -> list[Money]:
    """Every amount of money in a sentence, in order, with its per/qualifier.

    Only amounts marked as money count ("£3m", "GBP 300,000", "half a million pounds"),
    so "5 councils" or "2015" are not amounts. Implausible sums are skipped.
    """
    text = clean_text(text)
    if not _MARKS.search(text):  # no amount of running text counts unmarked
        return []
    return [m for _, m in _scan(text, sentence=True) if isinstance(m, Money)]


# What marks an amount as money (the `cur`, `cur2` and `pounds` groups of _MONEY).
_MARKS = re.compile(r"£|GBP|pounds|sterling", re.IGNORECASE)


# -- outcome kinds -----------------------------------------------------------------------------

_KIND_WORDS = (
    (
        "saving",
        r"\bsav(?:e|es|ed|ing|ings)\b|\bcost\s+(?:reduction|avoidance)|\breduced\s+costs?\b"
        r"|\bcashable\b",
    ),
    ("assets-pooled", r"\bpool(?:s|ed|ing)?\b|\bassets\s+under\s+management\b"),
    ("funding", r"\bfund(?:s|ing|ed)\b|\bgrants?\b|\bawarded\b|\baward\b"),
    ("contract-value", r"\bcontracts?\b|\bdeal\b|\bpaid\b|\bpayments?\b"),
    ("cost", r"\bcosts?\b|\bspend(?:ing)?\b|\binvest(?:ed|ment)?\b|\bbudget\b|\bexpenditure\b"),
    (
        "efficiency-gain",
        r"\befficienc(?:y|ies)\b|\bgains?\b|\bbenefits?\b|\bimprov\w*|\bproductivity\b",
    ),
)
_KIND_RES = tuple((kind, re.compile(rx, re.IGNORECASE)) for kind, rx in _KIND_WORDS)


def outcome_kind(text: str | None, default: str | None = None) -> str | None:
    """The outcome kind notation a phrase reports, by the first matching family of words.

    Savings win over costs ("cost savings"), pooling and funding over contracts, contracts
    over costs; "efficiency", "gains", "benefits" and "improved" give "efficiency-gain".
    """
    if text:
        for kind, pattern in _KIND_RES:
            if pattern.search(text):
                return kind
    return default


# -- dates -------------------------------------------------------------------------------------

MIN_YEAR, MAX_YEAR = 1800, 2100

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # Welsh
    "ionawr": 1,
    "chwefror": 2,
    "mawrth": 3,
    "ebrill": 4,
    "mai": 5,
    "mehefin": 6,
    "gorffennaf": 7,
    "awst": 8,
    "medi": 9,
    "hydref": 10,
    "tachwedd": 11,
    "rhagfyr": 12,
}
_WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:[t\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2}|am|pm)?)?"

_YEAR = re.compile(r"^(?:c\.?|ca\.?|circa|around|about|early|mid|late|fy)?\s*(\d{4})(?:\.0+)?$")
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$")
_YEAR_PAIR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")
_DMY = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}}|\d{{2}}){_TIME}$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_TEXT_DMY = re.compile(rf"^(\d{{1,2}})\s+({_MONTH_RE})\.?\s+(\d{{4}}|\d{{2}})$")
_TEXT_MDY = re.compile(rf"^({_MONTH_RE})\.?\s+(\d{{1,2}})\s+(\d{{4}})$")
_TEXT_MY = re.compile(rf"^({_MONTH_RE})\.?\s+(\d{{4}}|\d{{2}})$")


def _two_digit_year(yy: str) -> int:
    n = int(yy)
    if len(yy) == 4:
        return n
    return 2000 + n if n < 70 else 1900 + n


def _make(text: str, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range ({MIN_YEAR}-{MAX_YEAR}): {text!r}")
    try:
        return PartialDate(year, month, day)
    except ValueError:
        raise ValueError(f"no such date: {text}") from None


def parse_date(text: str) -> PartialDate:
    """A date as people type it, to the precision given; ValueError names what is wrong.

    Numeric dates are read day first (UK): "1/4/15" is 1 April 2015. Two-digit years
    00-69 are 20xx, 70-99 are 19xx. "2015/16" and "2015-16" are financial years, which
    start in April: PartialDate(2015, 4) (so "2011-12" is 2011/12, not December 2011).
    A bare number is a year only if it has four digits: spreadsheet serial numbers such
    as 42000 are not dates.
    """
    s = clean_text(text)
    if not s:
        raise ValueError("empty date")
    return _parse_date(s)


@functools.lru_cache(maxsize=4096)
def _parse_date(s: str) -> PartialDate:
    t = s.lower().replace(",", " ")
    t = " ".join(t.split())
    m = _YEAR.match(t)
    if m:
        return _make(s, int(m.group(1)))
    m = _ISO.match(t)
    if m:
        return _make(s, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _YEAR_PAIR.match(t)
    if m:
        year, second = int(m.group(1)), m.group(2)
        nxt = int(second) if len(second) == 4 else None
        if (len(second) == 2 and int(second) == (year + 1) % 100) or nxt == year + 1:
            return _make(s, year, 4)  # a financial year
        if len(second) == 2 and 1 <= int(second) <= 12:
            return _make(s, year, int(second))
        if len(second) == 2 and "-" in t:
            raise ValueError(f"no such date: {s}")
        raise ValueError(f"unrecognised date: {s!r}")
    m = _DMY.match(t)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), _two_digit_year(m.group(3))
        if month > 12 and day <= 12:
            raise ValueError(f"no such date: {s} (dates are read as day/month/year)")
        return _make(s, year, month, day)
    m = _MY.match(t)
    if m:
        return _make(s, int(m.group(2)), int(m.group(1)))
    # words: drop weekdays, ordinals ("31st"), "of", and read "31-Mar-15" like "31 Mar 15"
    w = re.sub(rf"\b{_WEEKDAYS}(?=\s|$)", " ", t)
    w = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", w)
    w = re.sub(r"\bof\b", " ", w)
    w = re.sub(r"(?<=[a-z0-9])-(?=[a-z0-9])", " ", w)
    w = " ".join(w.split())
    m = _TEXT_DMY.match(w)
    if m:
        return _make(s, _two_digit_year(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    m = _TEXT_MDY.match(w)
    if m:
        return _make(s, int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
    m = _TEXT_MY.match(w)
    if m:
        return _make(s, _two_digit_year(m.group(2)), _MONTHS[m.group(1)])
    raise ValueError(f"unrecognised date: {s!r}")


def to_partial_date(value: object) -> PartialDate | None:
    """A date from any cell: ``datetime``/``date`` (from XLSX), a year number, or text.

    None or blank text is None; anything else that is not a date raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime | _dt.date):
        return _make(value.isoformat()[:10], value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"unrecognised date: {str(value)!r}")
    if isinstance(value, int | float | Decimal):
        try:
            whole = value == int(value)
        except (ValueError, OverflowError, InvalidOperation):
            whole = False
        if whole and MIN_YEAR <= int(value) <= MAX_YEAR:
            return PartialDate(int(value))
        raise ValueError(f"unrecognised date: {clean_text(value)!r}")
    text = clean_text(value)
    if not text:
        return None
    return parse_date(text)
