"""Deterministic survey responses of the generated organisations, as the survey importer reads.

    python -m benchmarks.generate --scale S --what survey --out DIR   # DIR/survey-S.csv + .toml

One row per responding organisation (a wide layout), drawn from the bodies
`generate.population` makes for the same scale and seed: register councils, NHS bodies,
police and fire services under their register names, and the generated bodies. Each row
names one partnership the body belongs to (a compendium title) and answers eight questions
on the scales of the example survey (data/survey/collaboration-survey.toml): agreement
(with "Tend to agree" written now and then), Yes/Partly/No, a quality scale, likelihood, an
annual saving in pounds and a comment. A respondent's answers lean together (a body that
finds its partnership improved services mostly reports savings and good relationships);
about 4% of answers are blank and 3% "Don't know". The definition is written beside the
responses (`survey-<scale>.toml`, whose `responses` names the CSV), so `kgraph import` finds
it. The same scale and seed always give the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import SCALES, Population, population

RESPONSES = {"S": 1_000, "M": 10_000, "L": 100_000}
AGREEMENT = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]
ALIASES = {"Agree": "Tend to agree", "Disagree": "Tend to disagree"}
QUALITY = ["Poor", "Fair", "Good", "Very good"]
LIKELIHOOD = ["Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely", "Very likely"]
COMMENTS = [
    "Lack of direction from the region",
    "Savings smaller than the business case said",
    "Good working relationships at officer level",
    "Governance takes too much member time",
    "Would not have managed the service alone",
    "Too early to say",
    "The drive to collaborate has been counterproductive",
    "Staff morale suffered during the transfer",
]
# (column heading, question id, measure, scale name)
QUESTIONS = [
    (
        "The partnership has improved services",
        "improved-services",
        "perceived-service-improvement",
        "agreement",
    ),
    ("The partnership has achieved savings", "achieved-savings", "savings-achieved", "yes-no"),
    (
        "Running the partnership takes too much time and money",
        "cost-of-governance",
        "cost-of-governance",
        "agreement",
    ),
    (
        "We have lost control over local decisions",
        "lost-local-control",
        "loss-of-local-control",
        "agreement",
    ),
    (
        "Relationships between the partners are good",
        "relationships",
        "quality-of-relationships",
        "quality",
    ),
    (
        "How likely are you to join another partnership?",
        "join-another",
        "",
        "likelihood",
    ),
    (
        "Annual saving to your organisation (£)",
        "annual-saving",
        "savings-achieved",
        "pounds",
    ),
    ("Comments", "comments", "", "text"),
]
HEADER = ["Response ID", "Organisation", "Region", "Partnership", *(q[0] for q in QUESTIONS)]


@dataclass(frozen=True)
class Response:
    """One row, and the body that wrote it (so tests can check what it resolved to)."""

    body: int  # index into population.bodies
    row: tuple[str, ...]


def _scale(options: list[str], lean: float, rnd: random.Random) -> str:
    """An option of an ordered scale, higher the more positive the respondent leans."""
    at = round((len(options) - 1) / 2 + lean * (len(options) - 1) / 4 + rnd.gauss(0, 0.7))
    return options[max(0, min(len(options) - 1, at))]


def _answers(lean: float, rnd: random.Random) -> list[str]:
    improved = _scale(AGREEMENT, lean, rnd)
    improved = ALIASES.get(improved, improved) if rnd.random() < 0.15 else improved
    savings = rnd.choices(["Yes", "Partly", "No"], [max(0.1, 1 + lean), 1.0, max(0.1, 1 - lean)])[0]
    saving = ""
    if savings != "No" and rnd.random() < 0.6:
        amount = rnd.randrange(5_000, 750_000, 1_000)
        saving = f"{amount:,}" if rnd.random() < 0.3 else str(amount)
    answers = [
        improved,
        savings,
        _scale(AGREEMENT, -lean, rnd),
        _scale(AGREEMENT, -lean / 2, rnd),
        _scale(QUALITY, lean, rnd),
        _scale(LIKELIHOOD, lean, rnd),
        saving,
        rnd.choice(COMMENTS) if rnd.random() < 0.15 else "",
    ]
    for i in range(6):  # blanks and "Don't know" on the scaled questions
        r = rnd.random()
        if r < 0.04:
            answers[i] = ""
        elif r < 0.07:
            answers[i] = "Don't know"
    return answers


def responses(pop: Population, count: int, seed: int = 0) -> list[Response]:
    """One response per organisation, `count` of them (at most one per body)."""
    rnd = random.Random(f"survey:{seed}")
    member_of: dict[int, list[int]] = {}
    for n, p in enumerate(pop.partnerships):
        for m in p.members:
            member_of.setdefault(m, []).append(n)
    who = rnd.sample(range(len(pop.bodies)), min(count, len(pop.bodies)))
    out = []
    for n, i in enumerate(who, 1):
        body = pop.bodies[i]
        mine = member_of.get(i)
        partnership = pop.partnerships[rnd.choice(mine)].title if mine else ""
        lean = rnd.gauss(0.5, 0.8)
        row = (f"R{n:06d}", body.name, body.region, partnership, *_answers(lean, rnd))
        out.append(Response(i, row))
    return out


def definition(csv_name: str, scale: str) -> str:
    """The questionnaire definition (TOML) for the responses file `csv_name`."""
    lines = [
        "# Generated by benchmarks.generate_survey: invented answers about generated partnerships.",
        "",
        "[survey]",
        f'id = "benchmark-partnership-survey-{scale}"',
        f'title = "Benchmark survey of partnership members ({scale})"',
        f'responses = "{csv_name}"',
        'layout = "wide"',
        'date = "2024"',
        "",
        "[columns]",
        'respondent_id = "Response ID"',
        'respondent = "Organisation"',
        'region = "Region"',
        'partnership = "Partnership"',
        "",
        "[scales.agreement]",
        'kind = "likert"',
        "options = [",
        '  { label = "Strongly agree", position = "positive", value = 5 },',
        '  { label = "Agree", position = "positive", value = 4, aliases = ["Tend to agree"] },',
        '  { label = "Neither agree nor disagree", position = "neutral", value = 3 },',
        '  { label = "Disagree", position = "negative", value = 2, '
        'aliases = ["Tend to disagree"] },',
        '  { label = "Strongly disagree", position = "negative", value = 1 },',
        '  { label = "Don\'t know" },',
        "]",
        "",
        "[scales.quality]",
        'kind = "likert"',
        "options = [",
        '  { label = "Very good", position = "positive", value = 4 },',
        '  { label = "Good", position = "positive", value = 3 },',
        '  { label = "Fair", position = "neutral", value = 2 },',
        '  { label = "Poor", position = "negative", value = 1 },',
        '  { label = "Don\'t know" },',
        "]",
        "",
        "[scales.pounds]",
        'kind = "number"',
        "min = 0",
    ]
    for column, qid, measure, scale_name in QUESTIONS:
        lines += ["", "[[questions]]", f'id = "{qid}"', f'column = "{column}"']
        if "£" in column:
            lines.append(f'text = "{column.replace("£", "GBP")}"')
        if measure:
            lines.append(f'measures = "{measure}"')
        lines.append(f'scale = "{scale_name}"')
    return "\n".join(lines) + "\n"


def write_responses(folder: Path, rows: list[Response], scale: str) -> Path:
    """survey-<scale>.csv and its definition survey-<scale>.toml in `folder`; the CSV's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"survey-{scale}.csv"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(r.row for r in rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    path.with_suffix(".toml").write_text(definition(path.name, scale), encoding="utf-8")
    return path


def write(folder: Path, scale: str, seed: int = 0, count: int | None = None) -> Path:
    """Write the responses of a scale (S, M or L) and their definition into `folder`."""
    orgs, partnerships = SCALES[scale]
    pop = population(orgs, partnerships, seed)
    return write_responses(folder, responses(pop, count or RESPONSES[scale], seed), scale)
