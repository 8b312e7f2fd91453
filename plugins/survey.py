"""The "survey" importer: questionnaire responses as observations (W3C Data Cube).

Responses come as CSV/TSV, XLSX or JSON (read by the compendium importer's table reader:
any delimiter, UTF-8 or Windows-1252, with or without BOM), in one of two layouts:

* wide: a row per respondent, a column per question;
* long: a row per answer, with question and answer columns.

A questionnaire definition (TOML, see `kgraph.survey.definition`) says what each question
asks and measures, its answer scale, and which columns name the respondent organisation and
the partnership an answer is about. It is found beside the responses (``<responses>.toml``,
``questionnaire.toml``, or a definition whose ``responses`` names the file) or given with
``--map questionnaire=FILE``. Without one, columns whose answers are labels of a known scale
("Strongly agree", "Yes", "Improved", ...) are read as questions and the other columns by
their headings and content; ``kgraph survey init FILE`` prints that generated definition
to save and edit. ``--map FIELD=COLUMN`` names a column (fields: `FIELDS`).

Each answer yields an ObservationRecord; an answer outside its question's scale is one
reject (``file:row: column: reason``) and the rest of the row is still imported. Blank
answers and "N/A" are skipped. Rows with a blank respondent (when the survey names
respondents), an unreadable period or a respondent answering twice are rejected whole;
"Total"/"Average" rows and rows the definition's [skip] lists are left out.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kgraph_plugins.compendium import (
    JSON_SUFFIXES,
    MAX_CELL,
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    open_table,
)
from kgraph_plugins.compendium import recognise as compendium_columns

from kgraph.errors import BadInput
from kgraph.hookspecs import Importer, ImportOptions, hookimpl
from kgraph.records import (
    ObservationRecord,
    OrgRef,
    Origin,
    Record,
    Reject,
    SurveyQuestion,
    SurveyRecord,
)
from kgraph.survey import recognise, scales
from kgraph.survey.definition import COLUMN_FIELDS, Question, Questionnaire, load, locate
from kgraph.values import clean_text, to_partial_date

FIELDS: tuple[str, ...] = (*COLUMN_FIELDS, "questionnaire")
SUFFIXES = TEXT_SUFFIXES + XLSX_SUFFIXES + JSON_SUFFIXES
DETECT_ROWS = 300
# (id of a question, answer) -> how its scale reads the answer: a column repeats a few labels
Readings = dict[tuple[int, str], "scales.Reading | str | None"]


# -- the table ---------------------------------------------------------------------------------


class TooLong(str):
    """A cell longer than MAX_CELL, read as blank (no answer is that long, and scale
    recognition over it took tens of seconds); `_records` refuses its row."""

    length: int

    def __new__(cls, length: int) -> TooLong:
        cell = super().__new__(cls, "")
        cell.length = length
        return cell


def _capped(cells: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [TooLong(len(c)) if isinstance(c, str) and len(c) > MAX_CELL else c for c in cells]


def read_table(
    path: Path, options: ImportOptions, *, limit: int | None = None
) -> tuple[list[str], list[tuple[int, list[Any]]], list[str]]:
    """(header, non-blank rows as (row number, cells), notes about the file)."""
    table = open_table(path, ImportOptions(encoding=options.encoding, extra=options.extra))
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in table.rows:
            if not isinstance(cells, list | tuple):
                continue  # a JSON record that is not an object
            cells = _capped(cells)
            if any(c is not None and (str(c).strip() or isinstance(c, TooLong)) for c in cells):
                rows.append((number, list(cells)))
                if limit is not None and len(rows) >= limit:
                    break
    finally:
        table.close()
    notes = [] if options.encoding else encoding_notes(path)
    header, rows = _past_the_title(list(table.header), rows)
    return header, rows, notes


def _past_the_title(
    header: list[str], rows: list[tuple[int, list[Any]]]
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Skip a title or note above the real heading row ("Survey of councils, 2013"): the
    heading row is the first of the top rows filled at least half as wide as the widest."""
    top = [header, *(cells for _, cells in rows[:10])]
    filled = [sum(1 for c in cells if clean_text(c)) for cells in top]
    widest = max(filled)
    if filled[0] >= max(2, widest / 2) or widest < 2:
        return header, rows
    at = next(i for i, n in enumerate(filled) if n >= max(2, widest / 2))
    heading = [clean_text(c) or f"column {i + 1}" for i, c in enumerate(top[at])]
    return heading, rows[at:]


def encoding_notes(path: Path) -> list[str]:
    """A note when a text file is not valid UTF-8 (its odd bytes are read as Windows-1252)."""
    if path.suffix.lower() in XLSX_SUFFIXES + JSON_SUFFIXES:
        return []
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[:4096].count(0):
        return []
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = sum(1 for _ in _bad_bytes(raw))
        line = raw.count(b"\n", 0, exc.start) + 1
        return [
            f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02X} at offset {exc.start}; "
            f"{bad} such byte(s)): read them as Windows-1252; if names look wrong, give the "
            "file's real encoding with --encoding"
        ]
    return []


def _bad_bytes(raw: bytes) -> Iterator[int]:
    start = 0
    while start < len(raw):
        try:
            raw[start:].decode("utf-8")
            return
        except UnicodeDecodeError as exc:
            yield start + exc.start
            start += exc.start + max(1, exc.end - exc.start)


# -- the questionnaire -------------------------------------------------------------------------


def questionnaire(
    path: Path,
    options: ImportOptions,
    header: list[str],
    rows: Sequence[tuple[int, list[Any]]],
) -> tuple[Questionnaire, recognise.Bound, list[str]]:
    """The definition for a file (found or generated), bound to its columns, with notes."""
    name = str(path)
    explicit = options.extra.get("questionnaire") or options.mapping.get("questionnaire")
    cells = [c for _, c in rows]
    notes: list[str] = []
    found = locate(path, explicit)
    q: Questionnaire | None = None
    if found is not None:
        q = load(found)
        if not explicit and found.stem == "questionnaire" and q.responses is None:
            try:  # a shared questionnaire.toml is used only if it fits the file
                recognise.bind(_mapped(q, options, header), header, cells, name)
            except BadInput as exc:
                notes.append(f"{path}: {found} does not fit this file ({exc.why}); not used")
                q = None
    if q is None:
        q = recognise.generate(header, cells, name=name, responses=path.name)
        notes.append(
            f"{path}: no questionnaire definition found: read {len(q.questions)} question(s) "
            f"by their answers; to check and edit how: kgraph survey init {path} > "
            f"{path.with_suffix('.toml')}"
        )
    q = _mapped(q, options, header)
    return q, recognise.bind(q, header, cells, name), notes


def _mapped(q: Questionnaire, options: ImportOptions, header: list[str]) -> Questionnaire:
    """--map FIELD=COLUMN on top of the definition's [columns]."""
    columns = dict(q.columns)
    for fld, column in options.mapping.items():
        if fld == "questionnaire":
            continue
        if fld not in COLUMN_FIELDS:
            raise BadInput(
                "--map", f"unknown field '{fld}' for surveys (fields: {', '.join(FIELDS)})"
            )
        columns[fld] = column
    if columns == q.columns:
        return q
    out = replace(q, columns=columns)
    if out.path is None and out.layout == "wide":
        # a mapped column is no longer a question of a generated definition
        used = {recognise.find_column(header, c) for c in columns.values()}
        out.questions = [
            x for x in q.questions if recognise.find_column(header, x.column or "") not in used
        ]
    return out


# -- rows -> records ---------------------------------------------------------------------------


def _raw(header: list[str], cells: list[Any]) -> dict[str, str]:
    out = {}
    for i, cell in enumerate(cells):
        key = header[i] if i < len(header) else f"column {i + 1}"
        text = clean_text(cell)
        out[key] = text if len(text) <= 1000 else text[:1000] + "..."
    return out


def _field(heading: str) -> str:
    return heading if len(heading) <= 60 else heading[:57] + "..."


def read(path: Path, options: ImportOptions) -> Iterator[Record | Reject]:
    """Yield the SurveyRecord, then an ObservationRecord or Reject per answer."""
    path = Path(path)
    name = str(path)
    limit = csv.field_size_limit(2**31 - 1)  # a long free-text answer is data
    try:
        header, rows, notes = read_table(path, options)
        if not rows:
            raise BadInput(name, "no responses (only a header row)")
        q, bound, more = questionnaire(path, options, header, rows)
        questions = {
            x.id: SurveyQuestion(x.id, x.text, x.measure, x.scale.kind) for x in q.questions
        }
        date = None
        if q.date:
            try:
                date = to_partial_date(q.date)
            except ValueError as exc:
                raise BadInput(str(q.path), str(exc), field="survey.date") from None
        components = tuple(
            c
            for c in ("respondent", "respondent_id", "period", "partnership", "region", "org_type")
            if c in bound.index
        )
        notes += more
        yield from _records(name, header, rows, q, bound, questions, notes)
        yield SurveyRecord(  # last, so that it carries the notes reading the rows made
            key=q.id,
            title=q.title,
            origin=Origin(name),
            questions=tuple(questions.values()),
            description=q.description,
            date=date,
            components=components,
            notes=tuple(notes),
        )
    finally:
        csv.field_size_limit(limit)  # the caller's process keeps its own limit


def _records(
    name: str,
    header: list[str],
    rows: Sequence[tuple[int, list[Any]]],
    q: Questionnaire,
    bound: recognise.Bound,
    questions: dict[str, SurveyQuestion],
    notes: list[str],
) -> Iterator[Record | Reject]:
    idx = bound.index
    seen: dict[tuple[str, ...], int] = {}
    reads: Readings = {}
    asked_as: dict[str, Question | None] = {}  # long layout: question cell -> its question
    for number, cells in rows:
        origin = Origin(name, number)

        def get(fld: str, cells: list[Any] = cells) -> str:
            i = idx.get(fld)
            return clean_text(cells[i]) if i is not None and i < len(cells) else ""

        def reject(fld: str, why: str, cells: list[Any] = cells, origin: Origin = origin) -> Reject:
            return Reject(origin, fld, why, _raw(header, cells))

        if any(
            i < len(cells) and " ".join(clean_text(cells[i]).split()).casefold() in values
            for i, values in bound.skip
        ):
            continue
        long = next((i for i, c in enumerate(cells) if isinstance(c, TooLong)), None)
        if long is not None:
            heading = header[long] if long < len(header) else f"column {long + 1}"
            yield reject(_field(heading), f"cell too long ({cells[long].length:,} characters)")
            continue
        who = recognise.value_map(q, "respondent", get("respondent"))
        if recognise.is_total(cells):
            continue
        try:
            period = to_partial_date(get("period")) if "period" in idx else None
        except ValueError as exc:
            yield reject(_field(header[idx["period"]]), str(exc))
            continue
        code = get("respondent_code") or None
        respondent = OrgRef(who or code or "", code=code) if (who or code) else None
        if "respondent" in idx and respondent is None:
            if _has_answers(bound, cells, get):
                yield reject(_field(header[idx["respondent"]]), "empty: no respondent named")
            continue
        common = dict(
            survey=q.id,
            survey_title=q.title,
            origin=origin,
            respondent=respondent,
            respondent_id=get("respondent_id") or None,
            partnership=recognise.value_map(q, "partnership", get("partnership")) or None,
            period=period,
            region=recognise.value_map(q, "region", get("region")) or None,
            org_type=recognise.value_map(q, "org_type", get("org_type")) or None,
        )
        who_key = common["respondent_id"] or (
            f"{respondent.name}|{respondent.code or ''}" if respondent else ""
        )
        base = (who_key, period.iso() if period else "", common["partnership"] or "")
        if q.layout == "wide":
            key = f"row {number}"
            if common["respondent_id"]:  # a response id given twice: the second is an error
                first = seen.setdefault(base, number)
                if first != number:
                    yield reject(
                        _field(header[idx["respondent_id"]]),
                        f"response {who_key!r} is given twice (first at row {first})",
                    )
                    continue
                key = "|".join(base)
            elif respondent is not None:  # one body answering twice: kept, and said
                first = seen.setdefault(base, number)
                if first != number:
                    notes.append(
                        f"{name}:{number}: {respondent.name!r} answered again (first at row "
                        f"{first}); both kept"
                    )
            for col, question in bound.wide:
                answer = clean_text(cells[col]) if col < len(cells) else ""
                item = _answer(
                    answer, question, questions, common, f"{key}|{question.id}",
                    lambda why, col=col: reject(_field(header[col]), why), reads,
                )  # fmt: skip
                if item is not None:
                    yield item
        else:
            asked = get("question")
            if not asked:
                if get("answer"):
                    yield reject(_field(header[idx["question"]]), "empty")
                continue
            if asked in asked_as:
                question = asked_as[asked]
            else:
                question = asked_as[asked] = bound.question_for(asked)
            if question is None:
                yield reject(
                    _field(header[idx["question"]]),
                    f"{asked[:80]!r} is not a question of the questionnaire "
                    "(add a [[questions]] entry for it)",
                )
                continue
            key = "|".join((*base, question.id)) if who_key else f"row {number}|{question.id}"
            if who_key:
                first = seen.setdefault((*base, question.id), number)
                if first != number:
                    yield reject(
                        _field(header[idx["question"]]),
                        f"{_who(common, respondent)!r} already answered {question.id} "
                        f"at row {first}",
                    )
                    continue
            item = _answer(
                get("answer"), question, questions, common, key,
                lambda why, q=question: reject(_field(header[idx["answer"]]), f"{q.id}: {why}"),
                reads,
            )  # fmt: skip
            if item is not None:
                yield item


def _who(common: dict[str, Any], respondent: OrgRef | None) -> str:
    return common["respondent_id"] or (respondent.name if respondent else "")


def _has_answers(bound: recognise.Bound, cells: list[Any], get: Any) -> bool:
    if bound.q.layout == "long":
        return bool(get("answer"))
    return any(col < len(cells) and clean_text(cells[col]) for col, _ in bound.wide)


def _reading(scale: scales.Scale, answer: str) -> scales.Reading | str | None:
    """An answer as its scale reads it, the reason it is off the scale, or None for none."""
    if scales.is_missing(answer) and (not scale.labelled or scale.option(answer) is None):
        return None
    try:
        return scale.read(answer)
    except scales.OutsideScale as exc:
        return str(exc)


def _answer(
    answer: str,
    question: Question,
    questions: dict[str, SurveyQuestion],
    common: dict[str, Any],
    key: str,
    reject: Any,
    reads: Readings,
) -> Record | Reject | None:
    """The observation an answer makes, its reject, or None for no answer."""
    if not answer:
        return None
    if len(answer) > scales.MEMO_LENGTH:  # free text: rarely repeated
        reading = _reading(question.scale, answer)
    else:
        memo = (id(question), answer)  # the questions outlive the import
        if memo in reads:
            reading = reads[memo]
        else:
            reading = reads[memo] = _reading(question.scale, answer)
    if reading is None:
        return None
    if isinstance(reading, str):
        return reject(reading)
    return ObservationRecord(
        question=questions[question.id],
        answer=answer,
        key=key,
        label=reading.label,
        position=reading.position,
        value=reading.value,
        **common,
    )


def generate(path: Path, options: ImportOptions | None = None) -> Questionnaire:
    """The definition `kgraph survey init` prints, read from the responses alone (a
    definition beside them is not consulted: `init > questionnaire.toml` empties it first)."""
    path = Path(path)
    options = options or ImportOptions()
    header, rows, _ = read_table(path, options)
    if not rows:
        raise BadInput(str(path), "no responses (only a header row)")
    q = recognise.generate(header, [c for _, c in rows], name=str(path), responses=path.name)
    q = _mapped(q, options, header)
    recognise.bind(q, header, [c for _, c in rows], str(path))  # a --map column must exist
    return q


# -- detection ---------------------------------------------------------------------------------


def detect(path: Path) -> int:
    """0..100: how surely this is a survey's responses. Never raises."""
    try:
        return _detect(Path(path))
    except Exception:
        return 0


def _detect(path: Path) -> int:
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return 0
    header, rows, _ = read_table(path, ImportOptions(), limit=DETECT_ROWS)
    cells = [c for _, c in rows]
    if not rows:
        return 0
    found = locate(path)
    if found is not None:
        try:
            q = load(found)
            if found.stem != "questionnaire" or q.responses is not None:
                recognise.bind(q, header, cells, str(path))
                return 95
            recognise.bind(q, header, cells, str(path))
            return 90
        except BadInput:
            pass
    cols = recognise._columns(header, cells)
    found_roles = recognise.roles(cols, {"question", "answer"})
    if "question" in found_roles and "answer" in found_roles:
        return 85
    asked = {c.index for c in cols if c.fit is not None or c.rating is not None}
    if not asked:
        return 0
    score = 60 if len(asked) == 1 else 75 if len(asked) == 2 else 88
    return _beside_compendium(header, cells, score, asked)


def _beside_compendium(
    header: list[str], cells: list[list[Any]], score: int, asked: set[int]
) -> int:
    """Leave a compendium (a title and several organisations per row) to its importer. A
    column whose cells are scale answers is a question, whatever its heading says
    ("Relationships between the partners are good" names no partners)."""
    try:
        comp = compendium_columns(header)
    except ValueError:
        return score
    if "title" not in comp.single or comp.single["title"] in asked or not comp.has_orgs():
        return score
    org_cols = [c for c, _ in comp.partners if c not in asked] + (
        [comp.single["lead"]] if "lead" in comp.single and comp.single["lead"] not in asked else []
    )
    if not org_cols:
        return score
    lists = 0
    for col in org_cols:
        values = [clean_text(r[col]) for r in cells if col < len(r) and clean_text(r[col])]
        lists += sum(1 for v in values if any(s in v for s in (";", ",", "\n")))
    if len(org_cols) >= 2 or lists >= max(1, len(cells) // 5):
        return min(score, 40)
    return max(score, min(99, 65 + 5 * max(0, comp.recognised() - 2)))


IMPORTER = Importer(
    name="survey",
    description="Survey responses (CSV/XLSX, wide or long) with a questionnaire definition",
    detects="*.csv, *.tsv, *.xlsx, *.json whose answers are scale labels, or with a "
    "questionnaire definition beside them",
    detect=detect,
    read=read,
    fields=FIELDS,
    reads_store=True,
)


@hookimpl
def kgraph_importers() -> list[Importer]:
    return [IMPORTER]


__all__ = ["FIELDS", "IMPORTER", "detect", "generate", "read"]
