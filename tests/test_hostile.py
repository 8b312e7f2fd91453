"""The hostile corpus through the CLI: a one-line error or reported rejects, never a
traceback; the store unchanged, or changed only by the good records of that file.

Formula cells come out neutralised in every CSV the CLI writes (listings, query results,
rejects); JSON keeps them exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from kgraph.store import Store
from tests.hostile.corpus import HERE, compendium_files, news_files, survey_files, write_big

GOOD = (
    "Title,Lead,Partners\nTri-borough,Westminster,Kensington and Chelsea; Hammersmith and Fulham\n"
)
IMPORTERS = ("compendium", "news", "survey")
SMALL = [
    (importer, name)
    for importer, files in zip(
        IMPORTERS, (compendium_files(), news_files(), survey_files()), strict=True
    )
    for name in files
    if not name.endswith(".toml")  # definitions are read beside their responses
]
BIG = ["huge_cell.csv", "huge_line_no_newline.csv", "many_columns.csv", "deep.json",
       "deep_object.json", "big_bomb.rss", "huge_survey_cell.csv", "huge_news.txt"]  # fmt: skip
# what some files must say (exit code, text in the output)
EXPECT = {
    "empty.csv": (1, "empty file"),
    "binary.csv": (1, "not a text file"),
    "crlf_cr_mix.csv": (0, "1 records imported"),  # CR-only line ends read as lines
    "bad_dates.csv": (0, "start: no such date: 31/02/2015"),
    "bad_amounts.csv": (0, "amount not a plausible sum: '£1e308'"),
    "too_many_cells.csv": (0, "row has 14 cells, the header has 8"),
    "bomb.rss": (1, "refused: the feed declares XML entities"),
    "xxe.atom": (1, "refused: the feed declares XML entities"),
    "parameter_entity.rss": (1, "refused"),
    "external_dtd.rss": (1, "refused: the feed refers to an external DTD"),
    "big_bomb.rss": (1, "refused: the feed declares XML entities"),
    "feed_iris.rss": (0, "unrecognised date 'Tue, 31 Feb 2015"),
    "huge_cell.csv": (0, "description: cell too long (12000000 characters)"),
    "huge_news.txt": (1, "too large for a news file"),
    "deep.json": (1, "cannot be read"),
    "xlsx_truncated.xlsx": (1, "not a valid XLSX file"),
    "broken_toml.csv": (1, "not valid TOML"),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def quads(store_dir: Path) -> set[tuple[str, str, str, str]]:
    with Store.open(store_dir) as store:
        return {
            (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.ox
        }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set]:
    """A store holding one good source, made once and copied for each test."""
    from click.testing import CliRunner

    from kgraph.cli import cli

    root = tmp_path_factory.mktemp("hostile-template")
    good = root / "good.csv"
    good.write_text(GOOD)
    store = root / "store"
    result = CliRunner().invoke(cli, ["--store", str(store), "import", str(good)])
    assert result.exit_code == 0, result.output
    return store, quads(store)


@pytest.fixture
def seeded(template, store_dir: Path) -> set:
    shutil.copytree(template[0], store_dir)
    return template[1]


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    root = tmp_path_factory.mktemp("hostile-big")
    files = write_big(root)
    huge_news = root / "huge_news.txt"  # over the news size cap: refused before parsing
    huge_news.write_bytes(b"Cardiff Council and Newport City Council share a service. " * 80_000)
    files["huge_news.txt"] = ("news", huge_news)
    return files


def check_one(kg, store_dir: Path, before: set, importer: str, path: Path, tmp: Path) -> None:
    result = kg("import", "--using", importer, "--rejects", str(tmp / "rejects"), str(path))
    out = result.output
    assert "Traceback" not in out, out
    assert "importer failed" not in out, out  # a plugin bug, not a reported error
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1), out
    after = quads(store_dir)
    if result.exit_code == 1:
        lines = out.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), out
        assert after == before
    else:
        assert after > before, "a successful import must add its good records"
        assert before <= after
        graphs = {q[3] for q in after - before}
        assert len(graphs) == 1, f"an import changed more than its own graph: {graphs}"
        for line in result.stderr.splitlines():
            if line.strip().startswith("rejected "):
                assert re.match(r"\s*rejected \S+:\d+: [\w ]+: \S", line), line
    assert "root:x:0:0" not in str(after), "an external entity was read"
    expect = EXPECT.get(path.name)
    if expect is not None:
        code, text = expect
        assert result.exit_code == code, out
        assert text in out, out


@pytest.mark.parametrize(("importer", "name"), SMALL, ids=[f"{i}/{n}" for i, n in SMALL])
def test_hostile_file(kg, seeded, store_dir, tmp_path, importer, name) -> None:
    check_one(kg, store_dir, seeded, importer, HERE / importer / name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", BIG)
def test_big_hostile_file(kg, seeded, store_dir, tmp_path, big_files, name) -> None:
    importer, path = big_files[name]
    check_one(kg, store_dir, seeded, importer, path, tmp_path)


def test_corpus_on_disk_matches_the_generator() -> None:
    """The committed files are the generator's output, and there are at least 50 of them."""
    for importer, files in zip(
        IMPORTERS, (compendium_files(), news_files(), survey_files()), strict=True
    ):
        for name, data in files.items():
            path = HERE / importer / name
            if name.endswith(".xlsx"):  # zip timestamps differ run to run
                assert path.is_file()
            else:
                assert path.read_bytes() == data, f"{path}: run python -m tests.hostile.corpus"
    assert len(SMALL) + len(BIG) >= 50


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_formula_cells_are_neutralised_in_every_csv(kg, seeded, store_dir, tmp_path) -> None:
    rejects = tmp_path / "rejects"
    for importer, name in (
        ("compendium", "formula_cells.csv"),
        ("compendium", "json_html_formula.json"),
        ("survey", "formula_html.csv"),
        ("news", "formula_article.txt"),
    ):
        result = kg(
            "import", "--using", importer, "--rejects", str(rejects), str(HERE / importer / name)
        )
        assert result.exit_code == 0, result.output
    outputs = {
        "orgs list": kg("orgs", "list", "--csv").stdout,
        "orgs review": kg("orgs", "list", "--review", "--csv").stdout,
        "query labels": kg(
            "query", "--csv", "SELECT ?s ?label WHERE { ?s rdfs:label|dcterms:title ?label }"
        ).stdout,
        "query amounts": kg(
            "query",
            "--csv",
            "SELECT ?t ?d WHERE { ?s kg:amountText ?t OPTIONAL { ?s dcterms:description ?d } }",
        ).stdout,
    }
    outputs["rejects"] = "".join(p.read_text() for p in sorted(rejects.glob("*.csv")))
    assert "31/02/2015" in outputs["rejects"]  # the rejected formula row is in there
    for what, text in outputs.items():
        cells = _cells(text)
        assert cells, what
        bad = [c for c in cells if c.startswith(FORMULA_START)]
        assert not bad, f"{what}: formula cells not neutralised: {bad[:3]}"
    everything = "".join(outputs.values())
    for formula in ("'=HYPERLINK(", "'=cmd|' /C calc'!A0"):
        assert formula in everything, formula  # kept, as text
    # JSON keeps values exact
    listed = json.loads(kg("orgs", "list", "--json").stdout)
    assert any(str(v).startswith("=cmd|") for row in listed for v in row.values())


def test_html_and_control_characters_are_data_not_markup(kg, seeded, store_dir) -> None:
    """<script> stays text in the store; tables never pass terminal control codes through."""
    path = HERE / "compendium" / "html_everywhere.csv"
    assert kg("import", str(path)).exit_code == 0
    table = kg("query", "SELECT ?l WHERE { ?s dcterms:title ?l }").stdout
    assert "<script>alert('x')</script>" in table
    assert kg("import", "--using", "news", str(HERE / "news" / "control_chars.txt")).exit_code == 0
    listing = kg("orgs", "list").stdout + kg("query", "SELECT ?l WHERE { ?s rdfs:label ?l }").stdout
    assert "\x1b" not in listing and "\x07" not in listing


def test_iris_with_spaces_and_angle_brackets_stay_valid(kg, seeded, store_dir) -> None:
    for importer, name in (("compendium", "iri_chars.csv"), ("news", "feed_iris.rss")):
        assert kg("import", "--using", importer, str(HERE / importer / name)).exit_code == 0
    with Store.open(store_dir) as store:
        iris = {
            t.value
            for q in store.ox
            for t in (q.subject, q.predicate, q.object, q.graph_name)
            if type(t).__name__ == "NamedNode"
        }
    assert iris
    assert not [i for i in iris if re.search(r'[\s<>"{}|\\^`]', i)]


def test_sparql_text_in_a_cell_is_only_text(kg, seeded, store_dir) -> None:
    path = HERE / "compendium" / "sparql_injection.csv"
    assert kg("import", str(path)).exit_code == 0
    after = quads(store_dir)
    assert not [q for q in after if q[0] in ("<a:b>", "a:b")]
    assert any("DROP ALL" in q[2] for q in after)
