"""Read a responses table the way a person would: which column is what.

`generate` builds a questionnaire for a table that has none: a column whose answers are
labels of a known scale (agree/disagree, yes/no, improved/worse, satisfied, ...) is a
question; a rating column ("How important ... (1 is low, 5 is high)") whose cells are small
whole numbers is a question on a numbered scale; the other columns are recognised by their
heading and, where headings say little, by their content (a column of council names is the
respondent, a column of GSS codes the respondent's code). "Question" and "Answer" columns
make a long layout (a row per answer), whose distinct questions become the questions.

`bind` ties a questionnaire (given or generated) to a table's columns: the definition's
[columns] first, recognition for the fields it leaves out (``"-"`` turns one off).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from kgraph.errors import BadInput
from kgraph.survey import measures, scales
from kgraph.survey.definition import COLUMN_FIELDS, Question, Questionnaire
from kgraph.values import clean_text, to_partial_date

SAMPLE_ROWS = 5000  # rows looked at to recognise columns (all of them are imported)


def words(heading: str) -> tuple[str, ...]:
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", heading)  # camelCase
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("organization", "organisation")
    out = []
    for w in re.findall(r"[a-z0-9]+", t):
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return tuple(out)


def _phrases(*texts: str) -> frozenset[tuple[str, ...]]:
    return frozenset(words(t) for t in texts)


# Headings that name a role outright (compared after `words`: case, punctuation, plurals).
EXACT: dict[str, frozenset[tuple[str, ...]]] = {
    "respondent_id": _phrases(
        "id", "response id", "respondent id", "respondent number", "response number",
        "response no", "respondent no", "record id", "submission id", "ref", "reference",
        "case id", "case", "serial", "uid", "unique id", "respondent ref", "response ref",
        "responseid", "respondentid", "participant id", "row id", "return id",
    ),
    "respondent": _phrases(
        "council", "organisation", "authority", "local authority", "respondent organisation",
        "organisation name", "council name", "authority name", "local authority name", "body",
        "name of council", "name of organisation", "name of authority", "your organisation",
        "your council", "your authority", "responding organisation", "responding council",
        "responding authority", "department", "agency",
        "org", "org name", "la", "la name", "lad name", "local authority district",
        "organisation responding", "public body", "employer", "department name",
    ),
    "respondent_code": _phrases(
        "gss code", "gss", "ons code", "la code", "lad code", "code", "org code",
        "organisation code", "council code", "authority code", "local authority code",
        "lad22cd", "lad23cd", "lad24cd", "lad21cd", "lad19cd", "ltla code", "utla code",
    ),
    "partnership": _phrases(
        "partnership", "collaboration", "project", "partnership name", "collaboration name",
        "project name", "scheme", "initiative", "programme", "shared service", "arrangement",
        "partnership title", "project title", "name of partnership", "name of collaboration",
        "partnership id", "partnership ref", "partnership reference", "collaboration id",
        "project id", "project ref",
    ),
    "region": _phrases(
        "region", "country", "nation", "wlga region", "area", "geography", "region name",
        "english region", "government office region", "gor", "rgn", "location",
    ),
    "org_type": _phrases(
        "council type", "organisation type", "authority type", "type", "type of organisation",
        "type of council", "type of authority", "tier", "org type", "body type", "la type",
        "class", "sector", "organisation category",
    ),
    "period": _phrases(
        "year", "period", "survey year", "wave date", "date", "financial year", "survey date",
        "fy", "reporting year", "reporting period", "year of survey",
    ),
    "question": _phrases(
        "question", "question text", "item", "statement", "indicator", "measure",
        "question measure", "variable", "question id", "question number", "question no",
        "qid", "item text", "survey question", "question label", "metric",
    ),
    "answer": _phrases(
        "answer", "response", "value", "score", "rating", "result", "reply", "answer text",
        "response text", "percentage", "percent", "pct", "response value", "answer value",
        "level", "selected", "choice", "option",
    ),
}  # fmt: skip
_ORGISH = frozenset(
    {"council", "organisation", "authority", "body", "department", "agency", "trust", "board",
     "force", "respondent", "employer", "provider", "partner"}
)  # fmt: skip
_NOT_ORG = frozenset(
    {"type", "code", "region", "size", "population", "tier", "id", "number", "no", "category"}
)
_RATING_CUE = re.compile(
    r"\b(?:rate|rating|score|scale|out of|\d+\s*(?:is|=)\s*(?:low|high|poor|good|best|worst)"
    r"|\(\s*\d+\s*(?:-|to)\s*\d+\s*\)|\d+\s*(?:-|to)\s*\d+\s*scale|how (?:important|likely|"
    r"satisfied|well|much|effective|useful|confident|successful))\b",
    re.IGNORECASE,
)
_GSS = re.compile(r"[ENSWKJ]\d{8}")
_NATIONS = {"E": "England", "S": "Scotland", "W": "Wales", "N": "Northern Ireland"}
TOTAL_ROWS = frozenset(
    {"total", "totals", "grand total", "average", "mean", "median", "count", "sum",
     "all respondents", "all", "overall"}
)  # fmt: skip


def role_of(heading: str) -> tuple[str, int] | None:
    """(role, score) a heading names: exact 100, by keywords 40-60; None for questions."""
    ws = words(heading)
    if not ws:
        return None
    for role, phrases in EXACT.items():
        if ws in phrases:
            return role, 100
    if "?" in heading or len(ws) > 5:
        return None  # a question, not a column about the respondent
    s = set(ws)
    if ws[-1] in ("id", "ref", "no", "number") and s & {
        "response",
        "respondent",
        "submission",
        "record",
        "case",
    }:
        return "respondent_id", 60
    if s & {"code", "gss", "ons"} and s & (_ORGISH | {"la", "lad", "org"}):
        return "respondent_code", 60
    if s & _ORGISH and not s & _NOT_ORG:
        return "respondent", 50
    if s & {"type", "tier"} and s & (_ORGISH | {"la", "org"}):
        return "org_type", 60
    if s & {"partnership", "collaboration", "project", "scheme", "initiative", "programme"}:
        return "partnership", 50
    if s & {"region", "country", "nation"}:
        return "region", 50
    if s & {"year", "period"}:
        return "period", 50
    if s & {"question", "item", "statement", "indicator", "measure"}:
        return "question", 40
    if s & {"answer", "response", "value", "score", "rating", "result"}:
        return "answer", 40
    return None


# -- column finding ----------------------------------------------------------------------------


def _loose(text: str, *, drop: bool = False) -> str:
    """Letters and digits only; `drop` removes non-ASCII characters instead of folding them
    (a heading mangled by a wrong encoding: "for?\xa0" vs "for.Â.")."""
    if drop:
        t = "".join(ch for ch in text if ch.isascii())
    else:
        t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", t.lower())


def find_column(header: Sequence[str], name: str) -> int | None:
    """A column by heading: exactly, then ignoring case and spacing, then ignoring every
    character that is not a letter or a digit ("Response ID" = "Response.ID")."""
    if name in header:
        return list(header).index(name)
    for key in (
        lambda h: " ".join(h.split()).casefold(),
        _loose,
        lambda h: _loose(h, drop=True),
    ):
        wanted = key(name)
        if not wanted:
            continue
        hits = [i for i, h in enumerate(header) if key(h) == wanted]
        if len(hits) == 1:
            return hits[0]
    return None


# -- content -----------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    heading: str
    values: list[str]  # non-blank cells of the sample, cleaned
    role: tuple[str, int] | None = None
    fit: scales.Fit | None = None
    rating: tuple[int, int] | None = None

    @functools.cached_property
    def counts(self) -> Counter[str]:
        """How often each distinct value occurs: tests run once per distinct value."""
        return Counter(self.values)

    @property
    def distinct(self) -> set[str]:
        return set(self.counts)

    def share(self, test: Any) -> float:
        if not self.values:
            return 0.0
        return sum(n for v, n in self.counts.items() if test(v)) / len(self.values)


def tidy(heading: str) -> str:
    """A heading as question text: R-style dots ("Response.ID", "for.\u00c2.") made spaces,
    the stray "\u00c2" a no-break space leaves when UTF-8 is read as Windows-1252 dropped."""
    dotted = " " not in heading.strip() and heading.count(".") >= 2
    t = re.sub("\u00c2(?=[\\s.\u00a0]|$)", " ", heading).replace("\u00a0", " ")
    if dotted:
        t = re.sub(r"\.+", " ", t)
    return " ".join(t.split())


def is_total(cells: Sequence[Any]) -> bool:
    """A "Total" / "Average" row a spreadsheet adds under the responses."""
    first = next((clean_text(c) for c in cells if clean_text(c)), "")
    return first.casefold().rstrip(":") in TOTAL_ROWS


def _columns(
    header: Sequence[str], rows: Sequence[Sequence[Any]], skip: Collection[int] = ()
) -> list[Column]:
    """The columns' sampled content and what it looks like; those in `skip` (already named
    by a definition) are left out, as reading them is most of the work."""
    out = []
    rows = [cells for cells in rows[:SAMPLE_ROWS] if not is_total(cells)]
    for i, heading in enumerate(header):
        if i in skip:
            continue
        values = []
        for cells in rows:
            text = clean_text(cells[i]) if i < len(cells) else ""
            if text and not scales.is_missing(text):
                values.append(text)
        col = Column(i, heading, values, role_of(tidy(heading)))
        col.fit = scales.fit(values) if values else None
        col.rating = _rating(col)
        out.append(col)
    return out


def _rating(col: Column) -> tuple[int, int] | None:
    """(low, high) when the column holds small whole numbers and its heading asks a rating."""
    heading = tidy(col.heading)
    if not col.values or not _RATING_CUE.search(heading) or col.role:
        return None
    numbers = [scales.to_number(v) for v in col.counts]
    if any(n is None or n != n.to_integral_value() for n in numbers):
        return None
    ints = {int(n) for n in numbers if n is not None}
    m = re.search(r"(\d+)\s*(?:-|to|is)\s*(?:\w+\W+){0,3}?(\d+)\s*(?:is|=)?", heading)
    low, high = min(ints), max(ints)
    if m and int(m.group(1)) < int(m.group(2)) <= 10:
        low, high = min(low, int(m.group(1))), max(high, int(m.group(2)))
    if low < 0 or high > 10 or high - low < 2:
        return None
    return low, high


def _organisations(values: set[str]) -> float:
    """The share of values that name an organisation: in the register, or typed by the form
    of the name ("Borsetshire County Council", "X Police"); people's names are neither."""
    from kgraph.resolve import Resolver

    sample = sorted(values)[:60]
    if not sample:
        return 0.0
    resolver = Resolver.default()
    hits = 0
    for v in sample:
        try:
            res = resolver.resolve(v)
        except ValueError:
            continue
        if res.org.in_register or res.status == "pattern":
            hits += 1
    return hits / len(sample)


def _numeric(v: str) -> bool:
    return scales.to_number(v) is not None


# -- generating --------------------------------------------------------------------------------


def roles(cols: list[Column], wanted: set[str] | None = None) -> dict[str, int]:
    """Column index per role, for the roles in `wanted` (all if None).

    A heading decides most roles; a column whose answers are on a scale is a question
    whatever its heading, except a long layout's answer column. The respondent is the
    column of organisation names: of the text columns, one whose values are mostly in the
    register beats one only headed like it ("Name" may hold people's names).
    """
    wanted = set(COLUMN_FIELDS) if wanted is None else wanted
    best: dict[str, tuple[int, int]] = {}
    for col in cols:
        if col.role is None or not col.values:
            continue
        role, score = col.role
        if (col.fit is not None or col.rating is not None) and role not in ("answer", "question"):
            continue
        if role == "respondent" and col.share(_numeric) > 0.8:
            role = "respondent_id"
        elif role == "respondent" and col.share(lambda v: bool(_GSS.fullmatch(v))) > 0.8:
            role = "respondent_code"
        if role not in wanted or role == "respondent":
            continue
        if role == "period" and col.share(_is_period) < 0.9:
            continue
        if role == "question":  # "Question id" beside "Question text": the text
            score += min(9, sum(len(v) for v in col.values) // len(col.values) // 10)
        if role not in best or score > best[role][0]:
            best[role] = (score, col.index)
    out = {role: idx for role, (_, idx) in best.items()}
    taken = set(out.values())
    if "respondent" in wanted:
        scored = []
        for c in cols:
            if c.index in taken or c.fit is not None or c.rating is not None or not c.values:
                continue
            heading = c.role[1] if c.role and c.role[0] == "respondent" else 0
            if c.share(_numeric) >= 0.5 or c.share(_flag) >= 0.5:
                continue
            if not heading and len(c.distinct) < 2:
                continue
            share = _organisations(c.distinct)
            # a heading saying so outright ("Council", "Organisation") needs fewer names
            # the register or their form vouch for than a heading with a word of it
            if share >= 0.5 or (heading >= 100 and share >= 0.1) or (heading and share >= 0.3):
                scored.append((share >= 0.5, heading, share, -c.index))
        if scored:
            out["respondent"] = -max(scored)[3]
            taken.add(out["respondent"])
    if "respondent_code" in wanted and "respondent_code" not in out:
        for c in cols:
            if c.index in taken or not c.values:
                continue
            if c.share(lambda v: bool(_GSS.fullmatch(v))) > 0.8:
                out["respondent_code"] = c.index
                break
    return out


_FLAGS = frozenset({"true", "false", "yes", "no", "y", "n", "t", "f", "0", "1", "male", "female"})


def _flag(v: str) -> bool:
    return v.strip().casefold() in _FLAGS


def _is_period(v: str) -> bool:
    try:
        return to_partial_date(v) is not None
    except ValueError:
        return False


def generate(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, name: str, responses: str | None
) -> Questionnaire:
    """A questionnaire for a table without one; BadInput when no question is recognisable."""
    from kgraph.vocab import digest, slug

    cols = _columns(header, rows)
    found = roles(cols)
    stem = Path(name).stem
    q = Questionnaire(
        id=f"{slug(stem, 40)}-{digest(*header, length=6)}",
        title=stem.replace("_", " "),
        responses=responses,
    )
    long = "question" in found and "answer" in found
    if not long:
        found = {f: i for f, i in found.items() if f not in ("question", "answer")}
    q.columns = {f: header[found[f]] for f in COLUMN_FIELDS if f in found}
    if "region" in found:
        distinct = cols[found["region"]].distinct
        if distinct and distinct <= set(_NATIONS):
            q.values["region"] = {k: _NATIONS[k] for k in sorted(distinct)}
    if long:
        q.layout = "long"
        _long_questions(q, cols[found["question"]], cols[found["answer"]], rows)
    else:
        _wide_questions(q, cols, set(found.values()))
    if not q.questions:
        listing = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
        raise BadInput(
            name,
            "no survey questions recognised: no column's answers are labels of a known scale "
            f"(agree/disagree, yes/no, improved/worse, ...) (columns: {listing}); write a "
            "questionnaire definition (start from `kgraph survey init FILE`)",
        )
    return q


def _wide_questions(q: Questionnaire, cols: list[Column], taken: set[int]) -> None:
    for col in cols:
        if col.index in taken:
            continue
        if col.fit is not None:
            scale, note = _widened(col.fit, col.values, f"q{len(q.questions) + 1}")
        elif col.rating is not None:
            low, high = col.rating
            scale, note = scales.numbered(low, high, f"rating-{low}-{high}"), ""
        else:
            q.unused.append((col.heading, _why_unused(col)))
            continue
        n = len(q.questions) + 1
        guess = measures.guess(tidy(col.heading))
        if guess is None and scale.name == "improvement" and "servic" in col.heading.lower():
            guess = measures.match("perceived-service-improvement")
        q.questions.append(
            Question(
                id=f"q{n}",
                text=tidy(col.heading),
                scale=scale,
                measure=guess.notation if guess else None,
                column=col.heading,
                note=note,
            )
        )


def _widened(fit: scales.Fit, values: list[str], qid: str) -> tuple[scales.Scale, str]:
    """The fitted scale, with answers off it that recur added as options without a
    position (a one-off such as "Maybe" stays off it: a reject to look at)."""
    scale = fit.scale
    if not fit.outside:
        return scale, ""
    tally = Counter(values)
    counts = {v: tally[v] for v in fit.outside}
    recurring = [v for v in fit.outside if counts[v] >= 2]
    note = ""
    if recurring:
        extra = tuple(scales.Option(v) for v in recurring)
        scale = replace(scale, name=f"{scale.name}-{qid}", options=scale.options + extra)
        shown = ", ".join(repr(v) for v in recurring[:3])
        note = f"added to the '{fit.scale.name}' scale, without a position: {shown}"
    once = [v for v in fit.outside if counts[v] < 2]
    if once:
        shown = ", ".join(repr(v) for v in once[:3])
        note += ("; " if note else "") + f"answers off the scale (rejected): {shown}"
    return scale, note


def _why_unused(col: Column) -> str:
    if not col.values:
        return "empty"
    if col.role is not None:
        return f"looks like a {col.role[0].replace('_', ' ')} column (set it under [columns])"
    if col.share(_numeric) > 0.9:
        return "numbers (scale: number, or a rating scale)"
    distinct = sorted(col.distinct)
    words_per_answer = sum(len(v.split()) for v in col.values) / len(col.values)
    if len(distinct) > max(10, len(col.values) // 2) or (
        words_per_answer > 3 and len(distinct) > 0.8 * len(col.values)
    ):
        return "free text (scale: text)"
    shown = ", ".join(repr(v) for v in distinct[:4]) + (", ..." if len(distinct) > 4 else "")
    return f"answers {shown}: not a known scale (scale: choice, with these options)"


def _long_questions(
    q: Questionnaire, qcol: Column, acol: Column, rows: Sequence[Sequence[Any]]
) -> None:
    answers: dict[str, list[str]] = {}
    for cells in rows:
        text = clean_text(cells[qcol.index]) if qcol.index < len(cells) else ""
        if not text:
            continue
        value = clean_text(cells[acol.index]) if acol.index < len(cells) else ""
        answers.setdefault(text, [])
        if value and not scales.is_missing(value):
            answers[text].append(value)
    for n, (text, values) in enumerate(answers.items(), start=1):
        fitted = scales.fit(values)
        if fitted is not None:
            scale, _ = _widened(fitted, values, f"q{n}")
        elif values and all(_numeric(v) for v in values):
            scale = scales.BUILTIN["number"]
        else:
            scale = scales.BUILTIN["text"]
        guess = measures.guess(text)
        q.questions.append(
            Question(id=f"q{n}", text=text, scale=scale, measure=guess.notation if guess else None)
        )


# -- binding a questionnaire to a table --------------------------------------------------------


@dataclass
class Bound:
    """A questionnaire tied to the columns of one table."""

    q: Questionnaire
    index: dict[str, int] = field(default_factory=dict)  # column field -> column index
    wide: list[tuple[int, Question]] = field(default_factory=list)  # wide: question columns
    skip: list[tuple[int, frozenset[str]]] = field(default_factory=list)

    def question_for(self, cell: str) -> Question | None:
        """Long layout: the question a question cell means (match, text, then id)."""
        for question in self.q.questions:
            if question.match and re.search(question.match, cell, re.IGNORECASE):
                return question
        key = _loose(cell)
        for question in self.q.questions:
            if not question.match and _loose(question.text) == key:
                return question
        for question in self.q.questions:
            if question.id.casefold() == cell.casefold():
                return question
        return None


def bind(
    q: Questionnaire, header: Sequence[str], rows: Sequence[Sequence[Any]], name: str
) -> Bound:
    """Tie a questionnaire to a table; BadInput for a column it names that is not there."""
    where = str(q.path or name)

    def column(heading: str, entry: str) -> int:
        idx = find_column(header, heading)
        if idx is None:
            shown = ", ".join(repr(h) for h in header[:15]) + (", ..." if len(header) > 15 else "")
            raise BadInput(
                where, f"no column {heading!r} in {name} (columns: {shown})", field=entry
            )
        return idx

    bound = Bound(q)
    for fld, heading in q.columns.items():
        if heading.strip() != "-":
            bound.index[fld] = column(heading, f"columns.{fld}")
    if q.layout == "wide":
        for question in q.questions:
            idx = column(question.column or question.text, f"question {question.id}")
            bound.wide.append((idx, question))
    if q.path is not None:  # a given definition: recognise only the fields it leaves out
        wanted = {
            f for f in COLUMN_FIELDS if f not in q.columns and f not in ("question", "answer")
        }
        taken = set(bound.index.values()) | {i for i, _ in bound.wide}
        if wanted:
            for fld, idx in roles(_columns(header, rows, skip=taken), wanted).items():
                bound.index[fld] = idx
    for key, listed in q.skip.items():
        idx = bound.index.get(key)
        if idx is None:
            idx = column(key, f"skip.{key}")
        bound.skip.append((idx, frozenset(" ".join(v.split()).casefold() for v in listed)))
    return bound


def value_map(q: Questionnaire, fld: str, value: str) -> str:
    mapping = q.values.get(fld)
    if not mapping:
        return value
    if value in mapping:
        return mapping[value]
    folded = {k.casefold(): v for k, v in mapping.items()}
    return folded.get(value.casefold(), value)


def decimal_or_none(text: str) -> Decimal | None:
    return scales.to_number(text)
