"""Questionnaire definitions: what each question asks and measures, and its answer scale.

A definition is a small TOML file (YAML too, when PyYAML is installed); `load` reads it,
`dumps` writes one (``kgraph survey init``), `locate` finds the one for a responses file::

    [survey]
    id = "collaboration-2013"          # stable: re-imports and other files of it share it
    title = "Collaboration survey of Welsh councils"
    responses = "responses.csv"        # the file it describes (optional)
    layout = "wide"                    # a row per respondent; "long": a row per answer

    [columns]                          # who answered, and about what (all optional)
    respondent = "Council"             # resolved through the authority register
    partnership = "Partnership"
    # respondent_code, respondent_id, region, org_type, period; long layout: question, answer

    [values.region]                    # rewrite a column's codes before use (optional)
    W = "Wales"

    [skip]                             # leave out rows whose column holds one of these
    respondent = ["Civil Service benchmark"]

    [scales.agreement]                 # kinds: likert, yes-no, choice, number, text
    kind = "likert"
    options = [
      { label = "Agree", position = "positive", value = 4, aliases = ["Tend to agree"] },
      ...
    ]

    [[questions]]
    id = "q1"
    column = "Has collaboration led to improved services?"   # long layout: match = "regex"
    text = "Has collaboration led to improved services?"
    measures = "perceived-service-improvement"               # a kg:SurveyMeasures concept
    scale = "agreement"        # a [scales] name, a built-in one, or an inline table

Built-in scale names (`kgraph.survey.scales.BUILTIN`) need no [scales] entry.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kgraph.errors import BadInput
from kgraph.records import SCALE_KINDS
from kgraph.survey.scales import BUILTIN, Option, Scale

COLUMN_FIELDS = (
    "respondent",
    "respondent_code",
    "respondent_id",
    "partnership",
    "region",
    "org_type",
    "period",
    "question",
    "answer",
)
LAYOUTS = ("wide", "long")
SUFFIXES = (".toml", ".yaml", ".yml")


@dataclass
class Question:
    id: str
    text: str
    scale: Scale
    measure: str | None = None
    column: str | None = None  # wide layout: the heading of the column holding the answers
    match: str | None = None  # long layout: a regular expression the question cell matches
    note: str = ""  # a comment for the generated file


@dataclass
class Questionnaire:
    id: str
    title: str
    layout: str = "wide"
    columns: dict[str, str] = field(default_factory=dict)  # field -> column heading
    questions: list[Question] = field(default_factory=list)
    responses: str | None = None
    description: str | None = None
    date: str | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None  # where it was read from; None: generated
    unused: list[tuple[str, str]] = field(default_factory=list)  # (heading, why) for init
    notes: list[str] = field(default_factory=list)

    def scales(self) -> dict[str, Scale]:
        """The scales the questions use, by name, in order of first use."""
        out: dict[str, Scale] = {}
        for q in self.questions:
            out.setdefault(q.scale.name, q.scale)
        return out


# -- locating ----------------------------------------------------------------------------------


def locate(responses: Path, explicit: str | None = None) -> Path | None:
    """The definition for a responses file: `explicit`, else one beside it.

    Beside it means, in order: <stem>.toml / <stem>.questionnaire.toml (or .yaml/.yml), a
    questionnaire.toml in the same folder or the current one, or any definition in the
    same folder whose ``responses`` names the file. A questionnaire.toml (or another file
    found by the last rule) that names a different responses file is not used.
    """
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise BadInput(str(path), "no such questionnaire definition")
        return path
    folder, stem = responses.parent, responses.stem
    for suffix in SUFFIXES:
        for name in (f"{stem}{suffix}", f"{stem}.questionnaire{suffix}"):
            candidate = folder / name
            if _non_empty(candidate) and candidate != responses:
                return candidate
    shared = [folder / f"questionnaire{s}" for s in SUFFIXES]
    if Path.cwd().resolve() != folder.resolve():
        shared += [Path.cwd() / f"questionnaire{s}" for s in SUFFIXES]
    others = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES)
    for candidate in [*shared, *others]:
        if not _non_empty(candidate):
            continue
        named = _responses_named(candidate)
        if named == responses.name or (named is None and candidate in shared[:3]):
            return candidate
    return None


def _non_empty(path: Path) -> bool:
    """A file with something in it (`init > questionnaire.toml` leaves an empty one behind
    if it fails)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _responses_named(path: Path) -> str | None:
    """The file name a definition's [survey] responses gives, None if none or unreadable."""
    try:
        data = _parse(path)
    except (BadInput, OSError):
        return None
    survey = data.get("survey") if isinstance(data, dict) else None
    value = survey.get("responses") if isinstance(survey, dict) else None
    return Path(value).name if isinstance(value, str) and value.strip() else None


# -- reading -----------------------------------------------------------------------------------


def _parse(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(str(path), f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(str(path), f"not UTF-8 text (byte {exc.start})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError:
            raise BadInput(
                str(path),
                "YAML definitions need PyYAML (pip install 'kgraph[yaml]'); or write it as TOML",
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise BadInput(str(path), f"not valid YAML: {exc}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(str(path), f"not valid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(str(path), "expected a table with [survey] and [[questions]]")
    return data


def load(path: Path) -> Questionnaire:
    """Read and check a definition; BadInput names the file and the entry that is wrong."""
    data = _parse(path)
    return from_dict(data, path)


def from_dict(data: dict[str, Any], path: Path) -> Questionnaire:
    where = str(path)

    def fail(entry: str, why: str) -> BadInput:
        return BadInput(where, why, field=entry)

    def table(value: Any, entry: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise fail(entry, "expected a table")
        return value

    def text(value: Any, entry: str, *, required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise fail(entry, "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise fail(entry, "expected text")
        return str(value).strip()

    known = {"survey", "columns", "values", "skip", "scales", "questions"}
    for key in data:
        if key not in known:
            raise fail(key, f"unknown section (sections: {', '.join(sorted(known))})")
    survey = table(data.get("survey"), "survey")
    stem = path.stem.removesuffix(".questionnaire")
    q = Questionnaire(
        id=text(survey.get("id"), "survey.id") or stem,
        title=text(survey.get("title"), "survey.title") or stem,
        layout=text(survey.get("layout"), "survey.layout") or "",
        responses=text(survey.get("responses"), "survey.responses"),
        description=text(survey.get("description"), "survey.description"),
        date=text(survey.get("date"), "survey.date"),
        path=path,
    )
    if q.layout and q.layout not in LAYOUTS:
        raise fail("survey.layout", f"must be 'wide' or 'long', not {q.layout!r}")
    for key, value in table(data.get("columns"), "columns").items():
        if key not in COLUMN_FIELDS:
            raise fail(
                f"columns.{key}", f"unknown column field (fields: {', '.join(COLUMN_FIELDS)})"
            )
        column = text(value, f"columns.{key}")
        if column:
            q.columns[key] = column
    for key, mapping in table(data.get("values"), "values").items():
        q.values[key] = {
            str(k): str(text(v, f"values.{key}.{k}") or "")
            for k, v in table(mapping, f"values.{key}").items()
        }
    for key, listed in table(data.get("skip"), "skip").items():
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list):
            raise fail(f"skip.{key}", "expected a list of values")
        q.skip[key] = tuple(str(v) for v in listed)
    scales = {
        name: _scale(name, spec, fail) for name, spec in table(data.get("scales"), "scales").items()
    }
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise fail("questions", "no [[questions]]: a definition lists at least one")
    seen: set[str] = set()
    for n, spec in enumerate(questions, start=1):
        entry = f"questions[{n}]"
        spec = table(spec, entry)
        for key in spec:
            if key not in ("id", "text", "column", "match", "measures", "scale"):
                raise fail(
                    f"{entry}.{key}", "unknown key (keys: id, text, column, match, measures, scale)"
                )
        column = text(spec.get("column"), f"{entry}.column")
        match = text(spec.get("match"), f"{entry}.match")
        qtext = text(spec.get("text"), f"{entry}.text") or column or match
        qid = text(spec.get("id"), f"{entry}.id") or f"q{n}"
        if not qtext:
            raise fail(entry, "give its text (and, for a wide layout, its column)")
        if qid in seen:
            raise fail(f"{entry}.id", f"{qid!r} is used twice")
        seen.add(qid)
        if match:
            try:
                re.compile(match)
            except re.error as exc:
                raise fail(f"{entry}.match", f"not a regular expression: {exc}") from None
        q.questions.append(
            Question(
                id=qid,
                text=qtext,
                scale=_question_scale(spec.get("scale"), scales, f"{entry}.scale", fail),
                measure=text(spec.get("measures"), f"{entry}.measures"),
                column=column,
                match=match,
            )
        )
    if not q.layout:
        q.layout = "long" if "question" in q.columns or "answer" in q.columns else "wide"
    if q.layout == "long":
        missing = [f for f in ("question", "answer") if f not in q.columns]
        if missing:
            raise fail("columns", f"a long layout needs columns.{' and columns.'.join(missing)}")
    else:
        for question in q.questions:
            if question.column is None:
                question.column = question.text
    return q


def _question_scale(value: Any, scales: dict[str, Scale], entry: str, fail: Any) -> Scale:
    if value is None:
        return BUILTIN["text"]
    if isinstance(value, dict):
        return _scale(entry, value, fail)
    if not isinstance(value, str):
        raise fail(entry, "expected a scale name or an inline table")
    name = value.strip()
    if name in scales:
        return scales[name]
    if name in BUILTIN:
        return BUILTIN[name]
    known = sorted(set(scales) | set(BUILTIN))
    raise fail(entry, f"no scale {name!r} (scales: {', '.join(known)})")


def _scale(name: str, spec: Any, fail: Any) -> Scale:
    entry = name if "." in name else f"scales.{name}"
    if not isinstance(spec, dict):
        raise fail(entry, "expected a table with kind and options")
    kind = str(spec.get("kind") or ("likert" if spec.get("options") else "")).strip()
    if kind not in SCALE_KINDS:
        raise fail(f"{entry}.kind", f"must be one of {', '.join(SCALE_KINDS)}, not {kind!r}")
    for key in spec:
        if key not in ("kind", "options", "aliases", "min", "max"):
            raise fail(f"{entry}.{key}", "unknown key (keys: kind, options, aliases, min, max)")
    more = spec.get("aliases") or {}
    if not isinstance(more, dict):
        raise fail(f"{entry}.aliases", 'expected a table: "Option label" = ["other", "ways"]')
    labels = {str(item.get("label") if isinstance(item, dict) else item).strip()
              for item in spec.get("options") or []}  # fmt: skip
    for label in more:
        if label.strip() not in labels:
            raise fail(f"{entry}.aliases", f"{label!r} is not one of the scale's options")
    opts = []
    for n, item in enumerate(spec.get("options") or [], start=1):
        where = f"{entry}.options[{n}]"
        if isinstance(item, str):
            item = {"label": item}
        if not isinstance(item, dict) or not str(item.get("label") or "").strip():
            raise fail(where, "expected { label = ..., position = ..., value = ... }")
        position = item.get("position")
        if position is not None:
            position = str(position).strip().lower() or None
        aliases = item.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        extra = more.get(str(item["label"]).strip()) or []
        aliases = [*aliases, *([extra] if isinstance(extra, str) else extra)]
        opts.append(
            Option(
                str(item["label"]).strip(),
                position,
                _decimal(item.get("value"), f"{where}.value", fail),
                tuple(str(a) for a in aliases),
            )
        )
    if kind in ("likert", "yes-no", "choice") and not opts:
        raise fail(f"{entry}.options", f"a {kind} scale lists its options")
    try:
        return Scale(
            name.rsplit(".", 1)[-1] if "." in name else name,
            kind,
            tuple(opts),
            _decimal(spec.get("min"), f"{entry}.min", fail),
            _decimal(spec.get("max"), f"{entry}.max", fail),
        )
    except ValueError as exc:
        raise fail(entry, str(exc)) from None


def _decimal(value: Any, entry: str, fail: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise fail(entry, "expected a number")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise fail(entry, f"expected a number, not {value!r}") from None


# -- writing -----------------------------------------------------------------------------------


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _k(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _s(key)


def _num(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _wrapped(start: str, items: list[str], end: str, width: int = 98) -> list[str]:
    """`start item, item, ... end` on one line if it fits, else one item per line."""
    one = start + ", ".join(items) + end
    if len(one) <= width:
        return [one]
    lines, line = [start], "   "
    for item in items:
        if len(line) + len(item) + 2 > width and line.strip():
            lines.append(line.rstrip())
            line = "   "
        line += f" {item},"
    lines.append(line.rstrip())
    return [*lines, end]


def dumps(q: Questionnaire) -> str:
    """The definition as TOML a person can read and edit (comments say what each part does)."""
    out = [
        "# Questionnaire definition for kgraph's survey importer.",
        "# Check it (above all each question's 'measures' and its scale's positions), save it",
        "# beside the responses as <responses>.toml, then: kgraph import <responses>",
        "",
        "[survey]",
        f"id = {_s(q.id)}",
        f"title = {_s(q.title)}",
    ]
    if q.responses:
        out.append(f"responses = {_s(q.responses)}")
    out.append(f'layout = "{q.layout}"   # "wide": a row per respondent; "long": a row per answer')
    if q.date:
        out.append(f"date = {_s(q.date)}")
    if q.description:
        out.append(f"description = {_s(q.description)}")
    out += ["", "[columns]   # which columns say who answered, and about what"]
    hints = {
        "respondent": "the organisation answering (resolved through the register)",
        "respondent_code": "its GSS or register code",
        "respondent_id": "the survey's own respondent key",
        "partnership": "the partnership the answers are about",
        "region": "the respondent's region",
        "org_type": "the respondent's kind of body",
        "period": "the year or date the answers refer to",
        "question": "long layout: the question",
        "answer": "long layout: the answer",
    }
    for fld in COLUMN_FIELDS:
        if fld in q.columns:
            out.append(f"{fld} = {_s(q.columns[fld])}   # {hints[fld]}")
        elif fld not in ("question", "answer") or q.layout == "long":
            out.append(f'# {fld} = ""   # {hints[fld]}')
    for fld, mapping in q.values.items():
        out += ["", f"[values.{_k(fld)}]"]
        out += [f"{_k(k)} = {_s(v)}" for k, v in mapping.items()]
    if q.skip:
        out += ["", "[skip]   # rows to leave out"]
        out += [f"{_k(k)} = [{', '.join(map(_s, v))}]" for k, v in q.skip.items()]
    for name, scale in q.scales().items():
        if scale.kind == "text" or (
            scale.kind == "number" and scale.minimum is None and scale.maximum is None
        ):
            continue
        out += ["", f"[scales.{_k(name)}]", f'kind = "{scale.kind}"']
        if scale.minimum is not None:
            out.append(f"min = {_num(scale.minimum)}")
        if scale.maximum is not None:
            out.append(f"max = {_num(scale.maximum)}")
        if scale.options:
            out.append("options = [   # position: positive, neutral or negative (or none)")
            for opt in scale.options:
                parts = [f"label = {_s(opt.label)}"]
                if opt.position:
                    parts.append(f'position = "{opt.position}"')
                if opt.value is not None:
                    parts.append(f"value = {_num(opt.value)}")
                out.append(f"  {{ {', '.join(parts)} }},")
            out.append("]")
        if any(opt.aliases for opt in scale.options):
            out += ["", f"[scales.{_k(name)}.aliases]   # other ways people write an option"]
            for opt in scale.options:
                if opt.aliases:
                    out += _wrapped(f"{_s(opt.label)} = [", list(map(_s, opt.aliases)), "]")
    for question in q.questions:
        out += [""]
        if question.note:
            out.append(f"# {question.note}")
        out += ["[[questions]]", f"id = {_s(question.id)}"]
        if question.column and q.layout == "wide":
            out.append(f"column = {_s(question.column)}")
        if question.match:
            out.append(f"match = {_s(question.match)}")
        out.append(f"text = {_s(question.text)}")
        if question.measure:
            out.append(f"measures = {_s(question.measure)}")
        else:
            out.append('# measures = ""   # what it measures: see `kgraph survey measures`')
        out.append(f"scale = {_s(question.scale.name)}")
    if q.unused:
        out += [
            "",
            "# Columns not read as questions; to read one, copy a [[questions]] block above",
        ]
        out.append("# and give its column and scale (likert, yes-no, choice, number or text):")
        for heading, why in q.unused:
            out.append(f"#   {heading!r}: {why}" if why else f"#   {heading!r}")
    return "\n".join(out) + "\n"
