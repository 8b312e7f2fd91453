"""Counts and shares of survey answers: the named query kgraph/queries/survey-summary.rq,
grouped per question (and region or organisation type) for `kgraph survey summary`.

The counts are the query's, unchanged; this module only orders the answers along their scale
(positive first, then by value), adds the totals per position (positive / neutral /
negative) and, for numeric questions, the mean, lowest and highest answer.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from kgraph.records import SCALE_POSITIONS

QUERY_NAME = "survey-summary"
GROUPINGS = ("region", "org-type")


@functools.cache
def query_text() -> str:
    try:
        return (resources.files("kgraph.queries") / f"{QUERY_NAME}.rq").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        path = Path(__file__).resolve().parents[1] / "queries" / f"{QUERY_NAME}.rq"
        return path.read_text(encoding="utf-8")


def percent(part: int, whole: int) -> Decimal:
    """As the query rounds: one decimal, halves up."""
    if not whole:
        return Decimal(0)
    return (Decimal(1000 * part) / whole).quantize(Decimal(1), ROUND_HALF_UP) / 10


def run(store: Any, question: str | None = None, by: str | None = None) -> list[dict[str, Any]]:
    """The query's rows as plain Python values (ints, Decimals, strings)."""
    bindings: dict[str, str] = {}
    if question:
        bindings["question"] = question
    if by:
        bindings["by"] = by
    out = []
    for row in store.select(query_text(), **bindings):
        value = row.get("value")
        out.append(
            {
                "survey": str(row.get("survey", row["dataset"])),
                "dataset": str(row["dataset"]),
                "question": str(row.get("question_id", row["q"])),
                "question_iri": str(row["q"]),
                "question_text": str(row.get("question_text", "")),
                "scale": str(row.get("scale", "")),
                "group": str(row.get("group", "")),
                "answer": str(row["answer"]),
                "position": str(row.get("position", "")) or None,
                "value": Decimal(str(value)) if value is not None else None,
                "responses": int(row["responses"]),
                "total": int(row["total"]),
                "percent": Decimal(str(row["percent"])),
            }
        )
    return out


def _order(answer: dict[str, Any], scale: str) -> tuple:
    if scale == "number":
        return (0, answer["value"] if answer["value"] is not None else Decimal(0), "")
    rank = SCALE_POSITIONS.index(answer["position"]) if answer["position"] else len(SCALE_POSITIONS)
    if scale in ("likert", "yes-no"):
        value = -(answer["value"] if answer["value"] is not None else Decimal(-(10**9)))
        return (rank, value, -answer["responses"], answer["answer"])
    return (0, -answer["responses"], answer["answer"])


def summarise(rows: list[dict[str, Any]], survey: str | None = None) -> list[dict[str, Any]]:
    """One entry per survey question (and group): its answers in scale order, the totals
    per scale position, and for numbers the mean, lowest and highest."""
    wanted = survey.casefold() if survey else None
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        survey_id = r["dataset"].rsplit("/survey/", 1)[-1].casefold()
        if wanted and wanted not in r["survey"].casefold() and wanted not in survey_id:
            continue
        key = (r["dataset"], r["question_iri"], r["group"])
        entry = out.get(key)
        if entry is None:
            entry = out[key] = {
                "survey": r["survey"],
                "question": r["question"],
                "question_text": r["question_text"],
                "scale": r["scale"],
                "group": r["group"] or None,
                "responses": r["total"],
                "answers": [],
            }
        entry["answers"].append(
            {
                "answer": r["answer"],
                "position": r["position"],
                "value": r["value"],
                "responses": r["responses"],
                "percent": r["percent"],
                "share": (Decimal(r["responses"]) / r["total"]).quantize(Decimal("0.0001")),
            }
        )
    for entry in out.values():
        entry["answers"].sort(key=lambda a: _order(a, entry["scale"]))
        total = entry["responses"]
        if any(a["position"] for a in entry["answers"]):
            entry["positions"] = {}
            for pos in SCALE_POSITIONS:
                n = sum(a["responses"] for a in entry["answers"] if a["position"] == pos)
                entry["positions"][pos] = {"responses": n, "percent": percent(n, total)}
        numbers = [(a["value"], a["responses"]) for a in entry["answers"] if a["value"] is not None]
        if entry["scale"] == "number" and numbers:
            n = sum(c for _, c in numbers)
            mean = sum(v * c for v, c in numbers) / n
            entry["mean"] = mean.quantize(Decimal("0.01"), ROUND_HALF_UP)
            entry["min"] = min(v for v, _ in numbers)
            entry["max"] = max(v for v, _ in numbers)
    return sorted(
        out.values(),
        key=lambda e: (e["survey"], _natural(e["question"]), e["group"] or ""),
    )


def _natural(text: str) -> tuple:
    """ "q2" before "q10"."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def flat(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per answer, for CSV."""
    rows = []
    for e in entries:
        for a in e["answers"]:
            rows.append(
                {
                    "survey": e["survey"],
                    "question": e["question"],
                    "question_text": e["question_text"],
                    "group": e["group"] or "",
                    "answer": a["answer"],
                    "position": a["position"] or "",
                    "responses": a["responses"],
                    "total": e["responses"],
                    "percent": a["percent"],
                }
            )
    return rows


def as_text(entries: list[dict[str, Any]], by: str | None = None) -> str:
    """The summary as a person reads it: per question, answers with counts and shares."""
    if not entries:
        return "no survey answers in the store (import a survey first: kgraph import FILE)\n"
    lines: list[str] = []
    survey = None
    for e in entries:
        if e["survey"] != survey:
            survey = e["survey"]
            lines += ["", survey] if lines else [survey]
        group = f" [{by}: {e['group'] or 'not given'}]" if by else ""
        lines.append(f"  {e['question']}: {e['question_text']}{group} ({e['responses']} responses)")
        shown = e["answers"] if e["scale"] != "number" or len(e["answers"]) <= 12 else []
        width = max([len(a["answer"]) for a in shown] + [6])
        width = min(width, 50)
        for a in shown:
            label = a["answer"] if len(a["answer"]) <= width else a["answer"][: width - 3] + "..."
            lines.append(
                f"    {label:<{width}}  {a['position'] or '':<8}  {a['responses']:>6}  "
                f"{a['percent']:>5.1f}%"
            )
        if "positions" in e:
            parts = [
                f"{pos} {p['percent']:.1f}% ({p['responses']})" for pos, p in e["positions"].items()
            ]
            lines.append("    " + ", ".join(parts))
        if "mean" in e:
            lines.append(f"    mean {e['mean']}, lowest {e['min']}, highest {e['max']}")
    return "\n".join(lines) + "\n"
