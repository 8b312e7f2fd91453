"""The survey importer's shortcuts (issue #8) give what the plain way gave.

Fitting a scale looks each distinct answer up once, a definition's own columns are not read
for recognition, a repeated answer is read once, and an observation reuses the terms its
row and question share: each is checked here against the slow way, not timed.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from kgraph_plugins import survey

from kgraph.hookspecs import ImportOptions
from kgraph.records import ObservationRecord, SurveyRecord
from kgraph.survey import recognise, scales
from kgraph.triples import SourceGraph
from kgraph.vocab import ID
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "survey"
EXAMPLE = ROOT / "data" / "survey"


def _fit_the_slow_way(answers: list, minimum_share: float = 0.7) -> scales.Fit | None:
    """`scales.fit` as first written: every distinct answer read on every scale."""
    counts: dict[str, int] = {}
    for a in answers:
        text = " ".join(str(a).split())
        if not scales.is_missing(text):
            counts[text] = counts.get(text, 0) + 1
    total = sum(counts.values())
    if not total:
        return None
    generic = scales._generic_keys()
    best = None
    for scale in scales.BUILTIN.values():
        if not scale.labelled:
            continue
        matched = specific = 0
        outside = []
        for text, n in counts.items():
            if scale.option(text) is None:
                outside.append(text)
                continue
            matched += n
            if (
                scales.norm(text) not in generic
                and scales.norm(scales._stripped(text)) not in generic
            ):
                specific += n
        if not specific or matched < minimum_share * total or (matched < 2 and total > 1):
            continue
        if best is None or matched > best.matched:
            best = scales.Fit(scale, matched, tuple(outside), total)
    return best


def test_fit_agrees_with_reading_every_answer_on_every_scale() -> None:
    pool: list = ["Maybe", "N/A", "", "-", "4", "4.0", "Cardiff Council", "neither", 3, None]
    for scale in scales.BUILTIN.values():
        for opt in scale.options:
            pool += [opt.label, *opt.aliases, opt.label.upper(), f"5 - {opt.label}"]
    rng = random.Random(8)
    for _ in range(3000):
        some = rng.sample(pool, rng.randint(1, 6))
        answers = [rng.choice(some) for _ in range(rng.randint(0, 12))]
        share = rng.choice([0.5, 0.7, 0.9])
        assert scales.fit(answers, minimum_share=share) == _fit_the_slow_way(answers, share)


def test_numbered_options_still_take_an_answer_written_as_a_decimal() -> None:
    five = scales.numbered(1, 5, "rating-1-5")
    assert five.read("4.0").label == "4"
    assert scales.BUILTIN["agreement"].option("4.0") is None
    zero_to_ten = scales.numbered(0, 10, "rating-0-10")
    assert zero_to_ten.read("0.0").label == "0"  # a Decimal 0 is falsy: it once went unmatched


def test_a_definition_naming_every_column_reads_none_for_recognition(monkeypatch, tmp_path) -> None:
    for name in ("collaboration-survey.csv", "collaboration-survey.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    path = tmp_path / "collaboration-survey.csv"
    header, rows, _ = survey.read_table(path, ImportOptions())
    q, bound, _ = survey.questionnaire(path, ImportOptions(), header, rows)
    named = set(bound.index.values()) | {i for i, _ in bound.wide}
    seen: list[set[int]] = []
    real = recognise._columns

    def spy(header, rows, skip=()):
        cols = real(header, rows, skip)
        seen.append({c.index for c in cols})
        return cols

    monkeypatch.setattr(recognise, "_columns", spy)
    again = recognise.bind(q, header, [c for _, c in rows], str(path))
    assert again.index == bound.index
    assert all(not (read & named) for read in seen)


def test_each_distinct_answer_is_read_once(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "improved_services.csv"
    shutil.copy(DATA / "improved_services.csv", path)
    reads: list[tuple[str, str]] = []
    real = scales.Scale.read

    def counted(self: scales.Scale, answer: str) -> scales.Reading:
        reads.append((self.name, answer))
        return real(self, answer)

    monkeypatch.setattr(scales.Scale, "read", counted)
    items = list(survey.read(path, ImportOptions()))
    observed = [i for i in items if isinstance(i, ObservationRecord)]
    assert len(reads) == len(set(reads)) < len(observed)


@pytest.mark.parametrize("drain_every", [0, 7])
def test_observations_make_the_triples_each_would_alone(tmp_path: Path, drain_every: int) -> None:
    path = tmp_path / "long_answers.csv"
    shutil.copy(DATA / "long_answers.csv", path)
    items = list(survey.read(path, ImportOptions()))
    dataset = next(i for i in items if isinstance(i, SurveyRecord))
    answers = [i for i in items if isinstance(i, ObservationRecord)]
    source = ID["source/test"]

    together = SourceGraph(source)
    together.survey(dataset)
    written: set = set()
    for n, rec in enumerate(answers, start=1):
        together.observation(rec)
        if drain_every and n % drain_every == 0:  # as a streamed import hands them out
            written |= together.drain()
    written |= together.drain()

    alone: set = set()
    for rec in [dataset, *answers]:
        graph = SourceGraph(source)
        graph.survey(rec) if isinstance(rec, SurveyRecord) else graph.observation(rec)
        alone |= graph.triples
    assert written == alone
