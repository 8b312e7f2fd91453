"""Answer scales, measures and questionnaire definitions, without a store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kgraph.survey import measures, scales
from kgraph.survey.definition import Question, Questionnaire, dumps, load, locate

AGREE = scales.BUILTIN["agreement"]


@pytest.mark.parametrize(
    ("answer", "label", "position"),
    [
        ("Strongly agree", "Strongly agree", "positive"),
        ("  strongly   AGREE ", "Strongly agree", "positive"),
        ("5 - Strongly agree", "Strongly agree", "positive"),
        ("Agree (4)", "Agree", "positive"),
        ("Tend to agree", "Agree", "positive"),
        ("Neither agree or disagree", "Neither agree nor disagree", "neutral"),
        ("Tend to disagree", "Disagree", "negative"),
        ("Don\u2019t know", "Don't know", None),
        ("dont know", "Don't know", None),
    ],
)
def test_answers_are_read_forgivingly(answer: str, label: str, position: str | None) -> None:
    reading = AGREE.read(answer)
    assert (reading.label, reading.position) == (label, position)


def test_an_answer_off_the_scale_says_what_is_allowed() -> None:
    with pytest.raises(scales.OutsideScale, match=r"'Maybe' is not on the scale 'agreement'"):
        AGREE.read("Maybe")
    number = scales.Scale("pct", "number", minimum=Decimal(0), maximum=Decimal(100))
    assert number.read("66.7%").value == Decimal("66.7")
    with pytest.raises(scales.OutsideScale, match="outside the range 0..100"):
        number.read("250")
    with pytest.raises(scales.OutsideScale, match="not a number"):
        number.read("lots")
    assert scales.BUILTIN["text"].read("anything at all").label is None


@pytest.mark.parametrize(
    ("answers", "scale"),
    [
        (["Yes", "No", "Yes", "Don't know"], "yes-no"),
        (["Much improved", "Stayed the same", "Got worse"], "improvement"),
        (["Very satisfied", "Fairly dissatisfied"], "satisfaction"),
        (["Positive", "Negative", "Neutral"], "direction"),
        (["Often", "Sometimes", "Never"], "frequency"),
        (["Good", "Poor", "Excellent"], "quality"),
        (["Appropriate", "Not appropriate", "No opinion"], "appropriateness"),
    ],
)
def test_fit_finds_the_scale_of_a_column(answers: list[str], scale: str) -> None:
    found = scales.fit(answers)
    assert found is not None and found.scale.name == scale


@pytest.mark.parametrize(
    "answers",
    [
        ["Don't know", "Neither"],  # labels every scale has say nothing
        ["Cardiff", "Newport", "Agree"],  # mostly not answers
        ["E", "S", "W"],
        ["TRUE", "FALSE"],
        [],
    ],
)
def test_fit_refuses_columns_that_are_not_answers(answers: list[str]) -> None:
    assert scales.fit(answers) is None


def test_builtin_scales_are_not_changed_by_a_widened_copy() -> None:
    from dataclasses import replace

    wider = replace(AGREE, name="wider", options=(*AGREE.options, scales.Option("Maybe")))
    assert wider.read("Maybe").label == "Maybe"
    with pytest.raises(scales.OutsideScale):
        AGREE.read("Maybe")


def test_numbered_rating_scale() -> None:
    rating = scales.numbered(1, 5, "rating-1-5")
    assert [(o.label, o.position) for o in rating.options] == [
        ("5", "positive"),
        ("4", "positive"),
        ("3", "neutral"),
        ("2", "negative"),
        ("1", "negative"),
    ]
    assert rating.read("4.0").value == 4


@pytest.mark.parametrize(
    ("text", "notation"),
    [
        ("Has collaboration led to improved services?", "perceived-service-improvement"),
        ("Has joint working improved services?", "perceived-service-improvement"),
        ("Has the partnership achieved savings?", "savings-achieved"),
        ("Running the partnership takes too much time and money", "cost-of-governance"),
        ("We have lost control over local decisions", "loss-of-local-control"),
        ("Loss of local control", "loss-of-local-control"),
        ("Relationships between the partners are good", "quality-of-relationships"),
        ("Employee engagement index", "staff-engagement"),
    ],
)
def test_measures_are_guessed_from_the_wording(text: str, notation: str | None) -> None:
    found = measures.guess(text)
    assert (found.notation if found else None) == notation


def test_a_measure_not_in_the_scheme_becomes_a_new_concept() -> None:
    assert measures.match("Savings achieved").notation == "savings-achieved"
    assert measures.match("cost-of-governance").known
    new = measures.match("Legitimacy of participatory processes")
    assert (new.notation, new.known) == ("legitimacy-of-participatory-processes", False)


def test_a_written_definition_reads_back_the_same(tmp_path: Path) -> None:
    q = Questionnaire(
        id="s1",
        title='A "quoted" title',
        columns={"respondent": "Council"},
        values={"region": {"W": "Wales"}},
        skip={"respondent": ("Total",)},
    )
    q.questions = [
        Question("q1", "Agree?", AGREE, "perceived-service-improvement", column="Agree?"),
        Question("q2", "How many?", scales.Scale("n", "number", minimum=Decimal(0)), None, "N"),
    ]
    path = tmp_path / "s1.toml"
    path.write_text(dumps(q), encoding="utf-8")
    back = load(path)
    assert (back.id, back.title, back.columns, back.values, back.skip) == (
        "s1",
        'A "quoted" title',
        {"respondent": "Council"},
        {"region": {"W": "Wales"}},
        {"respondent": ("Total",)},
    )
    assert [(x.id, x.column, x.measure, x.scale.kind) for x in back.questions] == [
        ("q1", "Agree?", "perceived-service-improvement", "likert"),
        ("q2", "N", None, "number"),
    ]
    assert back.questions[0].scale.read("Tend to agree").label == "Agree"  # aliases kept
    assert back.questions[1].scale.minimum == 0


def test_locate_finds_the_definition_beside_the_responses(tmp_path: Path) -> None:
    responses = tmp_path / "answers.csv"
    responses.write_text("x\n", encoding="utf-8")
    assert locate(responses) is None
    other = tmp_path / "other.toml"
    other.write_text('[survey]\nresponses = "elsewhere.csv"\n', encoding="utf-8")
    assert locate(responses) is None
    named = tmp_path / "mine.toml"
    named.write_text('[survey]\nresponses = "answers.csv"\n', encoding="utf-8")
    assert locate(responses) == named
    shared = tmp_path / "questionnaire.toml"
    shared.write_text("[survey]\n", encoding="utf-8")
    assert locate(responses) == shared
    beside = tmp_path / "answers.toml"
    beside.write_text("", encoding="utf-8")  # empty: as `init > answers.toml` leaves it
    assert locate(responses) == shared
    beside.write_text("[survey]\n", encoding="utf-8")
    assert locate(responses) == beside
