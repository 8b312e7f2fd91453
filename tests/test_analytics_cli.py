"""The analytics commands as a user runs them, on a small compendium imported from CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import cli

COMPENDIUM = """\
Title,Lead,Partners,Service Area,Region,Start,End,Efficiency Gain (GBP per year)
Waste One,Cardiff Council,"Newport City Council; Vale of Glamorgan Council",Waste,South East Wales,2008,2013,100000
Waste Two,Cardiff Council,"Caerphilly County Borough Council; Monmouthshire County Council",Waste,South East Wales,2015,,250000
Shared ICT,Torfaen County Borough Council,"Monmouthshire County Council; Gwent Police",ICT,South East Wales,2011,,
Regulatory,Vale of Glamorgan Council,Bridgend County Borough Council,Regulatory services,Central South Wales,2015,,
"""  # noqa: E501
COMMANDS = ["central", "brokers", "communities", "shifts", "outcomes"]
CARDIFF = "City of Cardiff Council"


@pytest.fixture
def imported(kg, tmp_path: Path):
    source = tmp_path / "compendium.csv"
    source.write_text(COMPENDIUM)
    result = kg("import", str(source))
    assert result.exit_code == 0, result.output
    assert "4 records imported" in result.output
    return kg


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example_and_the_output_options(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "--csv" in result.output and "--json" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert f"kgraph {command}" in readme


def test_central_help_names_the_measures() -> None:
    text = CliRunner().invoke(cli, ["central", "--help"]).output
    for measure in ("degree", "weighted", "betweenness", "eigenvector", "pagerank", "sampled"):
        assert measure in text
    assert "participation coefficient" in CliRunner().invoke(cli, ["brokers", "--help"]).output


def test_shifts_json_shows_the_partner_change(imported) -> None:
    found = rows(imported("shifts", "--from", "2010-2012", "--to", "2016-2018", "--json"))
    cardiff = next(r for r in found if r["organisation"] == CARDIFF)
    assert cardiff["lost"] == ["Newport City Council", "Vale of Glamorgan Council"]
    assert cardiff["gained"] == [
        "Caerphilly County Borough Council",
        "Monmouthshire County Council",
    ]
    assert cardiff["kept"] == [] and cardiff["jaccard"] == 0.0
    assert cardiff["switches"][0].startswith("Waste and recycling: Newport City Council")
    assert found[0]["organisation"] == CARDIFF  # most changed first


def test_shifts_for_one_organisation_by_any_of_its_names(imported) -> None:
    found = rows(
        imported("shifts", "--from", "2010-2012", "--to", "2016-2018", "--org", "Cardiff", "--json")
    )
    assert [r["organisation"] for r in found] == [CARDIFF]
    table = imported("shifts", "--from", "2010-2012", "--to", "2016-2018", "--org", "Cardiff")
    assert "switch Waste and recycling" in table.output


def test_shifts_summary_and_csv(imported) -> None:
    summary = rows(imported("shifts", "--from", "2011", "--to", "2016", "--summary", "--json"))
    assert {r["sector"] for r in summary} == {"council", "police-fire"}
    csv = imported("shifts", "--from", "2010-2012", "--to", "2016-2018", "--csv").stdout
    assert csv.splitlines()[0].startswith("organisation,type,partners_from,partners_to,kept,")


def test_central_all_metrics_as_json(imported) -> None:
    found = rows(imported("central", "--metric", "all", "--top", "1", "--json"))
    assert {r["metric"] for r in found} == {
        "degree",
        "weighted",
        "betweenness",
        "eigenvector",
        "pagerank",
    }
    assert all({"organisation", "type", "region", "score", "rank"} <= r.keys() for r in found)
    between = next(r for r in found if r["metric"] == "betweenness")
    assert between["organisation"] == CARDIFF and between["method"] == "exact"


def test_central_with_filters(imported) -> None:
    found = rows(imported("central", "--period", "2016-2018", "--service", "waste", "--json"))
    assert {r["organisation"] for r in found} == {
        CARDIFF,
        "Caerphilly County Borough Council",
        "Monmouthshire County Council",
    }
    police = rows(imported("central", "--org-type", "police-force", "--json"))
    assert [r["organisation"] for r in police] == ["Gwent Police"]
    csv = imported("central", "--region", "central south wales", "--csv").stdout.splitlines()
    assert csv[0] == "metric,rank,organisation,type,region,score,partners"
    assert len(csv) == 3  # Vale of Glamorgan and Bridgend


def test_brokers_communities_outcomes(imported) -> None:
    brokers = rows(imported("brokers", "--by", "sector", "--json"))
    assert brokers[0]["organisation"] == "Torfaen County Borough Council"
    assert brokers[0]["participation"] == 0.5
    found = rows(imported("communities", "--json"))
    assert sum(r["size"] for r in found) == 8
    assert all(r["services"] for r in found)
    outcomes = rows(imported("outcomes", "--json"))
    overall = outcomes[0]
    assert (overall["partnerships"], overall["reporting_gains"]) == (4, 2)
    assert (overall["yearly_total"], overall["yearly_n"], overall["one_off_n"]) == (350000, 2, 0)
    assert [r["name"] for r in outcomes if r["group"] == "top"] == ["Waste Two", "Waste One"]
    table = imported("outcomes").output
    assert "2 of 4 partnerships (50.0%) report efficiency gains or savings" in table
    top = table.split("Top partnerships by savings")[1].splitlines()
    assert top[1].split() == ["name", "yearly", "one_off"]  # a partnership a row: no shares
    assert [line.split()[:2] for line in top[3:5]] == [["Waste", "Two"], ["Waste", "One"]]
    assert all(line.split()[-1] == "none" for line in top[3:5])  # no one-off savings


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["central", "--period", "2015-2010"], "2015-2010: the first year is after the last"),
        (["central", "--metric", "nope"], "'nope' is not one of 'degree'"),
        (["central", "--top", "0"], "--top"),
        (["communities", "--period", "soon"], "expected YEAR-YEAR such as 2010-2014"),
        (["shifts", "--from", "2010-2014"], "Missing option '--to'"),
        (
            ["shifts", "--from", "2010", "--to", "2016", "--summary", "--org", "Cardiff"],
            "--summary covers every organisation: drop --org",
        ),
        (["brokers", "--region", "Narnia"], "--region: no region called 'Narnia'"),
        (["outcomes", "--source", "nope.csv"], "--source: no source 'nope.csv'"),
    ],
)
def test_bad_options_are_one_line_errors_exit_2(imported, args: list[str], message: str) -> None:
    result = imported(*args)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in result.output


def test_empty_selections_say_so(imported) -> None:
    result = imported("central", "--period", "1990-1995", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "no partnerships match --period 1990-1995" in result.stderr
    for command in (["communities"], ["outcomes"], ["brokers"]):
        result = imported(*command, "--period", "1990-1995")
        assert result.exit_code == 0 and "no partnerships match" in result.output
    result = imported("shifts", "--from", "1990", "--to", "1991")
    assert result.exit_code == 0
    assert "no organisation has partners in 1990 or 1991" in result.output


def test_unknown_organisation_is_a_plain_error(imported) -> None:
    result = imported("shifts", "--from", "2010", "--to", "2016", "--org", "Nowhere Council")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no organisation called 'Nowhere Council' in the store"


def test_without_a_store(kg) -> None:
    result = kg("central")
    assert result.exit_code == 1 and "no kgraph store at" in result.output


def test_cli_metric_names_are_the_analytics_ones() -> None:
    from kgraph import cli_analytics
    from kgraph.analytics import centrality

    assert cli_analytics.METRICS == centrality.METRICS
    assert set(cli_analytics.BROKER_GROUPS) == set(centrality.BROKER_GROUPS)


def test_help_stays_fast_no_analysis_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import kgraph.cli; "
        "print(sorted(m for m in ('networkx', 'igraph', 'pyoxigraph') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
