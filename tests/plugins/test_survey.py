"""The survey importer: the seed's 18 answers, the real surveys, bad answers, the summary.

Fixtures are in tests/data/survey (see its README); the real surveys are read from
../shared/reference next to the repository when it is there.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from kgraph_plugins import compendium, survey
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions
from kgraph.plugins import registry
from kgraph.records import ObservationRecord, Reject, SurveyRecord
from kgraph.store import Store
from kgraph.survey import summary as summ
from kgraph.vocab import KG, QB, SCHEME
from tests.conftest import REFERENCE, ROOT, need_shared

DATA = ROOT / "tests" / "data" / "survey"
EXAMPLES = ROOT / "data" / "survey"
MYSOCIETY = REFERENCE / "mysociety_councillor_participation_survey"
CSPS = REFERENCE / "mattkerlogue_csps_civil_service_people_survey"
CSPS_FILE = CSPS / "csps_org_scores_collaboration_engagement_2009-2024.csv"


def copy(tmp_path: Path, name: str, source: Path = DATA) -> Path:
    """A fixture alone in a folder, so that no definition beside it is found by accident."""
    target = tmp_path / name
    shutil.copy(source / name, target)
    return target


def read_all(path: Path, **options) -> list:
    return list(survey.read(path, ImportOptions(**options)))


def observations(items: list) -> list[ObservationRecord]:
    return [i for i in items if isinstance(i, ObservationRecord)]


def summary_json(kg, *args: str) -> list[dict]:
    result = kg("survey", "summary", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def select(store_dir: Path, query: str, **bindings) -> list[dict]:
    with Store.open(store_dir) as store:
        return store.select(query, **bindings)


# -- the seed's question: 18 responses, 12 positive, 2 negative, 4 neutral ------------------------
def test_the_seed_question_reads_two_thirds_positive(kg, tmp_path: Path) -> None:
    responses = copy(tmp_path, "improved_services.csv")
    result = kg("import", str(responses))
    assert result.exit_code == 0, result.output
    assert "36 records imported with 'survey', 0 rejected" in result.stdout
    assert "no questionnaire definition found" in result.stderr

    text = kg("survey", "summary", "--question", "improved services")
    assert text.exit_code == 0, text.output
    assert "(18 responses)" in text.stdout
    assert "positive 66.7% (12), neutral 22.2% (4), negative 11.1% (2)" in text.stdout

    [entry] = summary_json(kg, "--question", "improved services")
    assert entry["question_text"] == "Has collaboration led to improved services?"
    assert entry["responses"] == 18
    assert entry["positions"] == {
        "positive": {"responses": 12, "percent": 66.7},
        "neutral": {"responses": 4, "percent": 22.2},
        "negative": {"responses": 2, "percent": 11.1},
    }
    answers = [(a["answer"], a["responses"], a["percent"]) for a in entry["answers"]]
    assert answers == [
        ("Strongly agree", 5, 27.8),
        ("Agree", 7, 38.9),
        ("Neither agree nor disagree", 4, 22.2),
        ("Disagree", 1, 5.6),
        ("Strongly disagree", 1, 5.6),
    ]
    assert sum(a["share"] for a in entry["answers"]) == pytest.approx(1, abs=0.001)


def test_answers_given_as_positive_neutral_negative(kg, tmp_path: Path) -> None:
    answers = ["Positive"] * 12 + ["Negative"] * 2 + ["Neutral"] * 4
    path = tmp_path / "slide14.csv"
    path.write_text(
        "Council,Has collaboration led to improved services?\n"
        + "".join(f"Council {i},{a}\n" for i, a in enumerate(answers, start=1)),
        encoding="utf-8",
    )
    assert kg("import", str(path)).exit_code == 0
    [entry] = summary_json(kg)
    assert [(a["answer"], a["percent"]) for a in entry["answers"]] == [
        ("Positive", 66.7),
        ("Neutral", 22.2),
        ("Negative", 11.1),
    ]


def test_a_sparql_query_gives_the_same_counts_as_the_summary(kg, store_dir, tmp_path) -> None:
    kg("import", str(copy(tmp_path, "improved_services.csv")))
    counted = select(
        store_dir,
        """SELECT ?id ?position (COUNT(DISTINCT ?obs) AS ?n) WHERE {
             ?obs a qb:Observation ; kg:question ?q ; kg:scalePosition ?p .
             ?q dcterms:identifier ?id .
             BIND (STRAFTER(STR(?p), "/position/") AS ?position)
           } GROUP BY ?id ?position""",
    )
    by_sparql = {(str(r["id"]), str(r["position"])): int(r["n"]) for r in counted}
    by_summary = {
        (e["question"], pos): p["responses"]
        for e in summary_json(kg)
        for pos, p in e["positions"].items()
        if p["responses"]
    }
    assert by_sparql == by_summary
    assert by_sparql[("q1", "positive")] == 12
    # the named query the summary runs is the one `kgraph query survey-summary` runs
    named = kg("query", "survey-summary", "--param", "question=q1", "--json")
    assert named.exit_code == 0, named.output
    rows = json.loads(named.stdout)["results"]["bindings"]
    assert {r["answer"]["value"]: int(r["responses"]["value"]) for r in rows} == {
        "Strongly agree": 5,
        "Agree": 7,
        "Neither agree nor disagree": 4,
        "Disagree": 1,
        "Strongly disagree": 1,
    }


def test_the_named_query_on_a_graph_written_to_the_model() -> None:
    """tests/test_named_queries.py's expectations, on observations as docs/MODEL.md has them."""
    store = Store.memory()
    store.ensure_ontology()
    kgid = "https://w3id.org/kgraph/id/"
    survey_iri = URIRef(kgid + "survey/wales")
    answers = ["Positive"] * 12 + ["Negative"] * 2 + ["Neutral"] * 4
    triples = [(survey_iri, RDF.type, QB.DataSet)]
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    ident = URIRef("http://purl.org/dc/terms/identifier")
    triples.append((survey_iri, label, Literal("Welsh collaboration survey")))
    for n, text in ((1, "Has collaboration led to improved services?"), (2, "Saved money?")):
        q = URIRef(f"{survey_iri}/question/q{n}")
        triples += [(q, label, Literal(text)), (q, ident, Literal(f"q{n}"))]
    for i, a in enumerate([*answers, "Yes"]):
        obs = URIRef(f"{kgid}observation/{i}")
        q = URIRef(f"{survey_iri}/question/q{2 if a == 'Yes' else 1}")
        triples += [
            (obs, RDF.type, QB.Observation),
            (obs, QB.dataSet, survey_iri),
            (obs, KG.question, q),
            (obs, KG.answer, Literal(a)),
        ]
    store.replace_graph(URIRef(kgid + "source/test"), triples)
    found = summ.run(store, question="improved services")
    assert [(r["answer"], r["responses"], r["percent"]) for r in found] == [
        ("Positive", 12, Decimal("66.7")),
        ("Neutral", 4, Decimal("22.2")),
        ("Negative", 2, Decimal("11.1")),
    ]
    assert {r["survey"] for r in found} == {"Welsh collaboration survey"}
    everything = summ.run(store)
    assert len(everything) == 4
    assert [r["percent"] for r in everything if r["answer"] == "Yes"] == [100]


# -- the model -----------------------------------------------------------------------------------
def test_observations_follow_the_data_cube(kg, store_dir: Path, tmp_path: Path) -> None:
    kg("import", str(copy(tmp_path, "improved_services.csv")))
    [row] = select(
        store_dir,
        """SELECT ?dataset ?dsd ?q ?text ?measure ?kind ?answer ?label ?value ?position ?org
           WHERE {
             ?obs a qb:Observation ; qb:dataSet ?dataset ; kg:question ?q ; kg:answer ?answer ;
                  kg:answerLabel ?label ; kg:answerValue ?value ; kg:scalePosition ?position ;
                  kg:respondent ?org ; prov:wasDerivedFrom ?row .
             ?row kg:line 2 .
             ?dataset a qb:DataSet ; qb:structure ?dsd .
             ?dsd a qb:DataStructureDefinition .
             ?q a kg:Question ; dcterms:title ?text ; kg:measures ?measure ; kg:scaleKind ?kind ;
                dcterms:identifier "q1" ; dcterms:isPartOf ?dataset .
           }""",
    )
    assert str(row["text"]) == "Has collaboration led to improved services?"
    assert row["measure"] == SCHEME["measure/perceived-service-improvement"]
    assert str(row["kind"]) == "likert"
    assert (str(row["answer"]), str(row["label"]), int(row["value"])) == ("Agree", "Agree", 4)
    assert row["position"] == SCHEME["position/positive"]
    assert str(row["org"]).endswith("/org/la/BGW")  # Blaenau Gwent, from the register
    components = select(
        store_dir,
        "SELECT ?role ?prop WHERE { ?dsd qb:component ?c . "
        "?c ?role ?prop . FILTER(?role IN (qb:dimension, qb:measure, qb:attribute)) }",
    )
    found = {
        (str(r["role"]).rsplit("#", 1)[1], str(r["prop"]).rsplit("#", 1)[1]) for r in components
    }
    assert {("dimension", "question"), ("dimension", "respondent"), ("measure", "answer")} <= found
    assert ("attribute", "scalePosition") in found
    result = kg("validate")
    assert result.exit_code == 0, result.output


def test_reimport_is_idempotent(kg, store_dir: Path, tmp_path: Path) -> None:
    path = copy(tmp_path, "improved_services.csv")
    first = kg("import", str(path))
    assert first.exit_code == 0
    with Store.open(store_dir) as store:
        before = store.count()
    again = kg("import", str(path))
    assert "unchanged since the last import" in again.stdout
    forced = kg("import", "--force", str(path))
    assert forced.exit_code == 0, forced.output
    with Store.open(store_dir) as store:
        assert store.count() == before
    assert summary_json(kg, "-q", "q1")[0]["responses"] == 18


def test_a_survey_named_in_two_files_counts_each_answer_once(kg, tmp_path: Path) -> None:
    """Answers keyed by the survey's own respondent ids have one IRI whatever the file."""
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(EXAMPLES / "collaboration-survey.csv", folder)
        shutil.copy(EXAMPLES / "collaboration-survey.toml", folder)
        (folder / "collaboration-survey.csv").write_text(
            (EXAMPLES / "collaboration-survey.csv").read_text(encoding="utf-8") + "\n",
            encoding="utf-8",
        )  # other bytes, so a second source
        assert kg("import", str(folder / "collaboration-survey.csv")).exit_code == 0
    [entry] = summary_json(kg, "-q", "improved-services")
    assert entry["responses"] == 12


# -- organisations and partnerships ---------------------------------------------------------------
def test_unknown_organisations_are_kept_and_flagged(kg, store_dir: Path, tmp_path: Path) -> None:
    result = kg("import", str(copy(tmp_path, "unknown_and_outside.csv")))
    assert result.exit_code == 0, result.output
    assert "'Cardif Council': near miss: did you mean City of Cardiff Council" in result.stderr
    assert "'Borsetshire County Council': not in the register" in result.stderr
    rows = select(
        store_dir,
        "SELECT ?name ?answer WHERE { ?obs kg:respondent ?org ; kg:answer ?answer . "
        "?org rdfs:label ?name ; kg:needsReview true }",
    )
    assert {(str(r["name"]), str(r["answer"])) for r in rows} == {
        ("Cardif Council", "Strongly agree"),
        ("Cardif Council", "No"),
        ("Borsetshire County Council", "Yes"),
    }
    review = kg("orgs", "list", "--review", "--json")
    assert {"Cardif Council", "Borsetshire County Council"} <= {
        r["name"] for r in json.loads(review.stdout)
    }


def test_an_answer_outside_its_scale_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    items = read_all(copy(tmp_path, "unknown_and_outside.csv"))
    rejects = [str(i) for i in items if isinstance(i, Reject)]
    assert rejects == [
        f"{tmp_path / 'unknown_and_outside.csv'}:4: Has the partnership improved services?: "
        "'Maybe' is not on the scale 'agreement' (Strongly agree, Agree, Neither agree nor "
        "disagree, Disagree, Strongly disagree, Don't know)"
    ]
    found = observations(items)
    assert len(found) == 7  # 4 councils x 2 questions, less 'Maybe'; the Total row left out
    row4 = [o.answer for o in found if o.origin.line == 4]
    assert row4 == ["Yes"]  # the rest of the row is imported


def test_rejects_name_file_row_and_field_on_the_command_line(kg, tmp_path: Path) -> None:
    result = kg("import", str(copy(tmp_path, "unknown_and_outside.csv")))
    assert "rejected " in result.stderr
    assert "unknown_and_outside.csv:4: Has the partnership improved services?: 'Maybe'" in (
        result.stderr
    )
    strict = kg("import", "--force", "--strict", str(tmp_path / "unknown_and_outside.csv"))
    assert strict.exit_code == 1
    assert "nothing imported" in strict.output


def test_answers_are_tied_to_the_partnerships_in_the_graph(kg, store_dir: Path, tmp_path) -> None:
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLES, folder)
    result = kg("import", str(ROOT / "data" / "sample" / "compendium.csv"))
    assert result.exit_code == 0
    result = kg("import", str(folder / "collaboration-survey.csv"))
    assert result.exit_code == 0, result.output
    assert "not in the store" not in result.stderr
    rows = select(
        store_dir,
        "SELECT ?title (COUNT(DISTINCT ?obs) AS ?n) WHERE { ?obs kg:aboutPartnership ?p ; "
        "kg:question/dcterms:identifier 'improved-services' . ?p dcterms:title ?title } "
        "GROUP BY ?title",
    )
    assert {str(r["title"]): int(r["n"]) for r in rows} == {
        "Prosiect Gwyrdd": 5,
        "Shared Regulatory Services": 3,
        "Central South Consortium": 4,
    }
    [entry] = summary_json(kg, "-q", "improved-services", "--by", "region")
    assert entry["group"] == "Wales"
    assert entry["positions"]["positive"]["responses"] == 9
    numbers = summary_json(kg, "-q", "annual-saving")[0]
    assert (numbers["responses"], numbers["mean"], numbers["max"]) == (2, 625000, 1000000)


def test_a_partnership_not_in_the_graph_is_kept_as_a_name(kg, store_dir, tmp_path) -> None:
    result = kg("import", str(copy(tmp_path, "unknown_and_outside.csv")))
    assert "partnership 'Prosiect Gwyrdd' is not in the store" in result.stderr
    rows = select(store_dir, "SELECT DISTINCT ?name WHERE { ?obs kg:partnershipName ?name }")
    assert [str(r["name"]) for r in rows] == ["Prosiect Gwyrdd"]


def test_a_compendium_imported_later_says_which_survey_to_import_again(
    kg, store_dir, tmp_path
) -> None:
    """Answers are tied when the survey is imported; a compendium imported by a later
    command names the survey file whose answers it could tie, until that is re-imported."""
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLES, folder)
    survey = folder / "collaboration-survey.csv"
    assert kg("import", str(survey)).exit_code == 0
    result = kg("import", str(ROOT / "data" / "sample" / "compendium.csv"))
    assert result.exit_code == 0
    [hint] = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert str(survey) in hint and "kgraph import --force" in hint
    assert kg("import", "--force", str(survey)).exit_code == 0
    linked = select(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?o kg:aboutPartnership ?p }")
    assert int(linked[0]["n"]) > 0
    again = kg("import", "--force", str(ROOT / "data" / "sample" / "compendium.csv"))
    assert "note:" not in again.stderr  # nothing left to tie


# -- layouts, headings, encodings ---------------------------------------------------------------
def test_long_layout(tmp_path: Path) -> None:
    items = read_all(copy(tmp_path, "long_answers.csv"))
    [dataset] = [i for i in items if isinstance(i, SurveyRecord)]
    assert [q.text for q in dataset.questions] == [
        "Has collaboration led to improved services?",
        "Has collaboration reduced costs?",
    ]
    found = observations(items)
    assert [(o.respondent.name, o.respondent.code, o.label) for o in found[:2]] == [
        ("Vale of Glamorgan Council", "W06000014", "Agree"),
        ("Vale of Glamorgan Council", "W06000014", "Yes"),
    ]
    assert len(found) == 7  # N/A skipped; a second answer to the same question rejected
    rejects = [str(i) for i in items if isinstance(i, Reject)]
    assert rejects == [
        f"{tmp_path / 'long_answers.csv'}:10: Question: 'Bridgend County Borough Council' "
        "already answered q1 at row 8"
    ]
    dont_know = [o for o in found if o.answer == "Don't know"]
    assert dont_know[0].position is None


def test_held_out_headings_semicolons_and_windows_1252(kg, store_dir, tmp_path) -> None:
    path = copy(tmp_path, "held_out_cp1252.csv")
    assert survey.detect(path) > compendium.detect(path)
    result = kg("import", str(path))
    assert result.exit_code == 0, result.output
    assert "18 records imported with 'survey', 0 rejected" in result.stdout
    assert "not valid UTF-8 (byte 0xA3" in result.stderr
    entries = summary_json(kg, "--by", "region")
    q2 = [e for e in entries if e["question"] == "q2"]
    assert {e["group"]: e["positions"]["positive"]["responses"] for e in q2} == {
        "North Wales": 2,
        "South East Wales": 2,
    }
    orgs = select(store_dir, "SELECT DISTINCT ?code WHERE { ?o kg:respondent/kg:gssCode ?code }")
    assert "W06000001" in {str(r["code"]) for r in orgs}  # Ynys Môn, read from Windows-1252


def test_xlsx_responses(kg, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Local authority", "Overall, how satisfied are you with the partnership?"])
    for council, answer in (
        ("Torfaen", "Very satisfied"),
        ("Monmouthshire", "Satisfied"),
        ("Blaenau Gwent", "Dissatisfied"),
    ):
        ws.append([council, answer])
    path = tmp_path / "responses.xlsx"
    wb.save(path)
    assert registry().choose(path).name == "survey"
    assert kg("import", str(path)).exit_code == 0
    [entry] = summary_json(kg)
    assert entry["positions"]["positive"] == {"responses": 2, "percent": 66.7}


def test_detection_leaves_compendiums_alone() -> None:
    reg = registry()
    for path in [
        *sorted((ROOT / "tests" / "data" / "compendium").glob("*.*sv")),
        *sorted((ROOT / "tests" / "data" / "compendium").glob("*.json")),
        ROOT / "data" / "sample" / "compendium.csv",
        ROOT / "data" / "sample" / "statutory_partnerships.csv",
    ]:
        assert reg.choose(path).name == "compendium", path
    for name in ("improved_services.csv", "long_answers.csv", "unknown_and_outside.csv"):
        assert reg.choose(DATA / name).name == "survey", name
    assert reg.choose(EXAMPLES / "collaboration-survey.csv").name == "survey"


def test_a_compendium_with_yes_no_columns_stays_a_compendium(tmp_path: Path) -> None:
    path = tmp_path / "schemes.csv"
    path.write_text(
        "Project Title,Lead Body,Partner Bodies,Savings achieved?,Still running?\n"
        "Prosiect Gwyrdd,Cardiff Council,Newport; Caerphilly,Yes,Yes\n"
        "Shared Regulatory Services,Vale of Glamorgan,Bridgend; Cardiff,No,Yes\n",
        encoding="utf-8",
    )
    assert registry().choose(path).name == "compendium"


def test_using_survey_always_works(kg, tmp_path: Path) -> None:
    path = tmp_path / "answers.txt"
    path.write_text("Council\tDo you agree?\nCardiff\tAgree\nNewport\tDisagree\n", encoding="utf-8")
    result = kg("import", "--using", "survey", str(path))
    assert result.exit_code == 0, result.output
    assert "2 records imported with 'survey'" in result.stdout


def test_a_file_with_no_recognisable_questions_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Name,Favourite colour\nAnn,Blue\nBob,Green\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"no survey questions recognised.*kgraph survey init"):
        read_all(path)
    assert survey.detect(path) == 0


# -- questionnaire definitions --------------------------------------------------------------------
def test_init_prints_a_definition_that_imports_the_same(kg, tmp_path: Path) -> None:
    path = copy(tmp_path, "improved_services.csv")
    result = kg("survey", "init", str(path))
    assert result.exit_code == 0, result.output
    definition = tomllib.loads(result.stdout)
    assert definition["columns"]["respondent"] == "Council"
    assert [q["measures"] for q in definition["questions"]] == [
        "perceived-service-improvement",
        "savings-achieved",
    ]
    assert "'Comments'" in result.stdout  # listed, commented out, for the user to add
    # saved beside the responses and edited, it is used: here the seed's wording of the scale
    text = result.stdout.replace('title = "improved services"', 'title = "WLGA survey 2013"')
    (tmp_path / "improved_services.toml").write_text(text, encoding="utf-8")
    assert survey.detect(path) == 95
    result = kg("import", str(path))
    assert result.exit_code == 0, result.output
    assert "no questionnaire definition found" not in result.stderr
    [entry] = summary_json(kg, "-q", "q1")
    assert entry["survey"] == "WLGA survey 2013"
    assert entry["positions"]["positive"]["percent"] == 66.7


def test_a_definition_given_with_map(tmp_path: Path) -> None:
    path = copy(tmp_path, "improved_services.csv")
    definition = tmp_path / "elsewhere" / "q.toml"
    definition.parent.mkdir()
    definition.write_text(
        '[survey]\nid = "wlga-2013"\ntitle = "WLGA"\n[columns]\nrespondent = "Council"\n'
        '[scales.verdict]\nkind = "likert"\noptions = [\n'
        '  { label = "Agree", position = "positive", aliases = ["Strongly agree"] },\n'
        '  { label = "Neither agree nor disagree", position = "neutral" },\n'
        '  { label = "Disagree", position = "negative", aliases = ["Strongly disagree"] },\n]\n'
        '[[questions]]\nid = "improved"\ncolumn = "Has collaboration led to improved services?"\n'
        'measures = "Perceived service improvement"\nscale = "verdict"\n',
        encoding="utf-8",
    )
    items = read_all(path, mapping={"questionnaire": str(definition)})
    found = observations(items)
    assert len(found) == 18 and not [i for i in items if isinstance(i, Reject)]
    assert {o.label for o in found} == {"Agree", "Neither agree nor disagree", "Disagree"}
    assert sum(o.position == "positive" for o in found) == 12
    assert found[0].survey == "wlga-2013"
    assert found[0].question.measure == "Perceived service improvement"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[survey]\n", "q.toml: questions: no [[questions]]"),
        (
            '[[questions]]\ncolumn = "Council"\nscale = "agree"\n',
            "q.toml: questions[1].scale: no scale 'agree' (scales: agreement, ",
        ),
        (
            '[[questions]]\ncolumn = "No such column"\nscale = "yes-no"\n',
            "q.toml: question q1: no column 'No such column' in ",
        ),
        (
            '[scales.x]\nkind = "likert"\noptions = [{ label = "A", position = "good" }]\n'
            '[[questions]]\ncolumn = "Council"\nscale = "x"\n',
            "q.toml: scales.x: option 'A': position must be one of positive, neutral, negative",
        ),
        ("[[questions]\n", "q.toml: not valid TOML"),
        ('[survey]\nlayout = "tall"\n', "q.toml: survey.layout: must be 'wide' or 'long'"),
    ],
)
def test_definition_mistakes_name_the_file_and_entry(tmp_path: Path, text: str, message: str):
    path = copy(tmp_path, "improved_services.csv")
    (tmp_path / "q.toml").write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as err:
        read_all(path, mapping={"questionnaire": str(tmp_path / "q.toml")})
    assert message in str(err.value)


def test_yaml_definitions_need_pyyaml_or_work(tmp_path: Path) -> None:
    path = copy(tmp_path, "improved_services.csv")
    (tmp_path / "q.yaml").write_text(
        "questions:\n  - column: Has collaboration saved money?\n    scale: yes-no\n",
        encoding="utf-8",
    )
    try:
        import yaml  # noqa: F401
    except ImportError:
        with pytest.raises(BadInput, match="YAML definitions need PyYAML"):
            read_all(path, mapping={"questionnaire": str(tmp_path / "q.yaml")})
    else:
        found = observations(read_all(path, mapping={"questionnaire": str(tmp_path / "q.yaml")}))
        assert len(found) == 18


def test_map_names_a_column(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        "Who,Do you agree?\nCardiff Council,Agree\nNewport City Council,Disagree\n",
        encoding="utf-8",
    )
    found = observations(read_all(path, mapping={"respondent": "Who"}))
    assert [o.respondent.name for o in found] == ["Cardiff Council", "Newport City Council"]
    with pytest.raises(BadInput, match="unknown field 'council' for surveys"):
        read_all(path, mapping={"council": "Who"})


# -- the real surveys in ../shared/reference --------------------------------------------------
def test_mysociety_survey_imports_with_its_definition(kg, tmp_path: Path) -> None:
    need_shared()
    definition = EXAMPLES / "mysociety-councillor-participation.toml"
    result = kg(
        "import", "--map", f"questionnaire={definition}", str(MYSOCIETY / "processed_survey.csv")
    )
    assert result.exit_code == 0, result.output
    assert "3538 records imported with 'survey', 0 rejected" in result.stdout  # 122 x 29
    [entry] = summary_json(kg, "-q", "familiar-local-forums")
    assert entry["responses"] == 122
    assert {a["answer"]: a["responses"] for a in entry["answers"]} == {
        "I know a lot about these kinds of activities": 57,
        "I know a little about these kinds of activities": 50,
        "I know nothing about these kinds of activities": 15,
    }
    by_nation = summary_json(kg, "-q", "familiar-local-forums", "--by", "region")
    assert {e["group"]: e["responses"] for e in by_nation} == {
        "England": 103,
        "Scotland": 11,
        "Wales": 8,
    }


def test_the_non_utf8_mysociety_file_is_read_and_said_to_be(kg, tmp_path: Path) -> None:
    """survey_with_weights.csv has stray 0xC2 bytes in its headings (PROVENANCE.md)."""
    need_shared()
    path = MYSOCIETY / "survey_with_weights.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    definition = EXAMPLES / "mysociety-councillor-participation.toml"
    result = kg("import", "--map", f"questionnaire={definition}", str(path))
    assert result.exit_code == 0, result.output
    assert "3538 records imported with 'survey', 0 rejected" in result.stdout
    assert "survey_with_weights.csv:1: not valid UTF-8 (byte 0xC2 at offset 584" in result.stderr
    assert "read them as Windows-1252" in result.stderr
    # the same responses as processed_survey.csv, keyed by the same response ids
    kg("import", "--map", f"questionnaire={definition}", str(MYSOCIETY / "processed_survey.csv"))
    [entry] = summary_json(kg, "-q", "appropriate-education")
    assert entry["responses"] == 122
    assert {a["answer"]: a["responses"] for a in entry["answers"]} == {
        "Appropriate": 87,
        "No opinion": 17,
        "Not appropriate": 18,
    }


def test_mysociety_survey_without_a_definition(tmp_path: Path) -> None:
    need_shared()
    items = read_all(MYSOCIETY / "processed_survey.csv")
    [dataset] = [i for i in items if isinstance(i, SurveyRecord)]
    # appropriateness (9), yes/no (5: "Unsure" is a don't-know, "No issue with one-party
    # councils." recurs, so it joins the scale) and the 1-5 ratings (6) are recognised
    assert len(dataset.questions) == 20
    assert set(dataset.components) == {"respondent_id", "region", "org_type"}
    assert not [i for i in items if isinstance(i, Reject)]


def test_civil_service_people_survey_imports_with_its_definition(kg, tmp_path: Path) -> None:
    need_shared()
    definition = EXAMPLES / "csps-collaboration-engagement.toml"
    result = kg("import", "--map", f"questionnaire={definition}", str(CSPS_FILE))
    assert result.exit_code == 0, result.output
    # 4430 rows less 63 Civil Service benchmark rows
    assert "4367 records imported with 'survey', 0 rejected" in result.stdout
    assert "not in the register; added as a new organisation" in result.stderr
    entries = {e["question"]: e for e in summary_json(kg, "--survey", "csps")}
    assert set(entries) == {
        "engagement-index",
        "my-team-theme",
        "team-improves-service",
        "technology-enables-collaboration",
        "collaborates-across-departments",
    }
    assert sum(e["responses"] for e in entries.values()) == 4367
    across = entries["collaborates-across-departments"]
    assert across["responses"] == 314 and 0 < across["min"] <= across["mean"] <= across["max"]


def test_civil_service_people_survey_without_a_definition_is_a_long_layout() -> None:
    need_shared()
    q = survey.generate(CSPS_FILE)
    assert q.layout == "long"
    assert (q.columns["respondent"], q.columns["period"]) == ("organisation", "obj_year")
    assert (q.columns["question"], q.columns["answer"]) == ("question_measure", "value")
    assert {x.scale.kind for x in q.questions} == {"number"}


def test_a_form_export_and_a_long_file_with_ids(tmp_path: Path) -> None:
    forms = survey.generate(copy(tmp_path, "forms_export.csv"))
    assert forms.columns == {
        "respondent": "Which organisation do you work for?",
        "respondent_id": "ID",
    }
    assert [(q.column, q.scale.name, q.measure) for q in forms.questions] == [
        (
            "How far do you agree that the partnership has saved money?",
            "agreement",
            "savings-achieved",
        ),
        (
            "Would you recommend the partnership to other councils?",
            "yes-no",
            "support-for-collaboration",
        ),
    ]
    found = observations(read_all(copy(tmp_path, "long_with_ids.csv")))
    assert [(o.respondent_id, o.question.id, o.label, o.value) for o in found] == [
        ("1", "q1", "Agree", Decimal(4)),
        ("1", "q2", "Strongly disagree", Decimal(1)),
        ("2", "q1", "Strongly agree", Decimal(5)),
        ("2", "q2", "Neither agree nor disagree", Decimal(3)),
    ]
    assert found[0].question.text == "The partnership has improved services"


def test_init_into_questionnaire_toml_beside_the_responses(kg, tmp_path, monkeypatch) -> None:
    """The issue's `kgraph survey init responses.csv > questionnaire.toml`: the shell empties
    questionnaire.toml before init runs, and the import then finds it."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "improved_services.csv", tmp_path / "responses.csv")
    target = tmp_path / "questionnaire.toml"
    target.write_text("", encoding="utf-8")
    result = kg("survey", "init", "responses.csv")
    assert result.exit_code == 0, result.output
    target.write_text(result.stdout, encoding="utf-8")
    imported = kg("import", "responses.csv")
    assert imported.exit_code == 0, imported.output
    assert "no questionnaire definition found" not in imported.stderr
    assert summary_json(kg, "-q", "q1")[0]["positions"]["positive"]["percent"] == 66.7


def test_a_title_above_the_headings_is_skipped(kg, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Survey of Welsh councils on collaboration, 2013"])
    ws.append([])
    ws.append(["Council", "Has collaboration led to improved services?"])
    ws.append(["Cardiff Council", "Agree"])
    ws.append(["Newport City Council", "Disagree"])
    ws.append(["Torfaen County Borough Council", "Strongly agree"])
    path = tmp_path / "titled.xlsx"
    wb.save(path)
    found = observations(read_all(path))
    assert [(o.origin.line, o.respondent.name, o.label) for o in found] == [
        (4, "Cardiff Council", "Agree"),
        (5, "Newport City Council", "Disagree"),
        (6, "Torfaen County Borough Council", "Strongly agree"),
    ]


def test_a_huge_cell_refuses_its_row_briefly(tmp_path: Path) -> None:
    """An 11 MB answer took ~20 s of scale recognition and printed itself whole in the
    reject line: now the row is refused as too long and the rest is read."""
    answers = ["Very satisfied", "Satisfied", "Dissatisfied", "Very dissatisfied"]
    lines = ["Council,How satisfied are you with the partnership?"]
    lines += [f"Council {i},{answers[i % 4]}" for i in range(30)]
    lines.append("Big Council," + "x" * 2_000_000)
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read_all(path)
    refused = [r for r in items if isinstance(r, Reject)]
    assert [str(r) for r in refused] == [
        f"{path}:32: How satisfied are you with the partnership?: "
        "cell too long (2,000,000 characters)"
    ]
    assert sum(isinstance(r, ObservationRecord) for r in items) == 30


def test_reject_lines_stay_short() -> None:
    from kgraph.records import Origin

    line = str(Reject(Origin("f.csv", 3), "answer", "'" + "y" * 5000 + "' is not on the scale"))
    assert len(line) < 400 and line.startswith("f.csv:3: answer: 'yyy") and line.endswith("...")


def test_a_question_about_the_partners_is_no_partners_column(tmp_path: Path) -> None:
    """Answers on a scale under "Relationships between the partners are good" make it a
    question: the table is a survey's, not a compendium's, without a definition too."""
    answers = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree"]
    rows = ["Response ID,Organisation,Partnership,The partnership has improved services,"
            "Relationships between the partners are good,Savings are shared fairly"]  # fmt: skip
    for n in range(40):
        a, b, c = (answers[(n + k) % 4] for k in range(3))
        rows.append(f"R{n:03},Kent County Council,Kent Waste Partnership,{a},{b},{c}")
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert registry().choose(path).name == "survey"
    assert survey.detect(path) > compendium.detect(path)
