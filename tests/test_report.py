"""`kgraph report`: the evidence report agrees with the commands, is escaped, offline and printable.

Two stores, built once for the module: the demo (no survey), and a small "evidence" store
with a survey, news awaiting review, a near miss and hostile names. The browser tests open
the reports in headless Chromium with every non-file request aborted.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from tests.conftest import ROOT
from tests.test_browser import HOSTILE, NEWS, XSS_IMG, XSS_SCRIPT, browser_or_skip, open_page
from tests.test_review_in_analytics import DIGEST

FIGURES = re.compile(r'<script type="application/json" id="kg-report-figures">(.*?)</script>', re.S)
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
DOLLARS = "$x$ shared $$ ICT"
MORE = (
    "Ref,Project Title,Lead Body,Partner Bodies,Service Area,Region,Start,End,"
    "Efficiency Gain (GBP per year)\n"
    f'D-1,"{DOLLARS}",Cardif Council,"$Dollar$ Trust; Newport City Council",ICT,'
    "South East Wales,2011,2016,250000\n"
    "D-2,Joint planning,Newport City Council,"
    '"Monmouthshire County Council; Cardiff Council",Planning,South East Wales,2017,,\n'
)
HOSTILE_QUESTION = f"{XSS_IMG} improved $services$?"
HOSTILE_SURVEY = f"Council,{HOSTILE_QUESTION}\n" + "".join(
    f"Council {i},{a}\n"
    for i, a in enumerate(["Agree"] * 5 + ["Disagree"] * 2 + ["Neither agree nor disagree"], 1)
)


class Store:
    """A store and a CLI bound to it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def run(self, *args: str):
        from kgraph.cli import cli

        return CliRunner().invoke(cli, ["--store", str(self.path), *args])

    def json(self, *args: str):
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def report(self, out: Path, *args: str) -> tuple[str, dict]:
        result = self.run("report", str(out), *args)
        assert result.exit_code == 0, result.output
        page = out.read_text(encoding="utf-8")
        return page, figures(page)


def figures(page: str) -> dict:
    found = FIGURES.search(page)
    assert found, "the figures block is missing"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path, str, dict]:
    from kgraph import demo as demo_mod

    base = tmp_path_factory.mktemp("report-demo")
    demo_mod.run(base / "store", base / "map.html")
    store = Store(base / "store")
    page, data = store.report(base / "report.html")
    return store, base / "report.html", page, data


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path, str, dict]:
    base = tmp_path_factory.mktemp("report-evidence")
    files = {
        "hostile.csv": HOSTILE,
        "news.txt": NEWS,
        "digest.txt": DIGEST,
        "more.csv": MORE,
        "hostile-survey.csv": HOSTILE_SURVEY,
    }
    for name, text in files.items():
        (base / name).write_text(text, encoding="utf-8")
    for name in ("collaboration-survey.csv", "collaboration-survey.toml"):
        shutil.copy(ROOT / "data" / "survey" / name, base / name)
    store = Store(base / "store")
    paths = [str(base / n) for n in (*files, "collaboration-survey.csv")]
    result = store.run("import", *paths)
    assert result.exit_code == 0, result.output
    page, data = store.report(base / "report.html", "--title", f"Evidence {XSS_SCRIPT}")
    return store, base / "report.html", page, data


# -- the figures are the commands' ---------------------------------------------------------
def test_headline_figures_equal_kgraph_outcomes(demo) -> None:
    store, _out, page, data = demo
    rows = store.json("outcomes")
    assert data["outcomes"] == rows
    everything = rows[0]
    assert everything["group"] == "all"
    assert data["partnerships"] == everything["partnerships"] == 146
    # shown on the page, each with what it rests on
    text = _text(page)
    assert f"{everything['gains_pct']}%" in text
    assert f"{everything['reporting_gains']} of {everything['partnerships']} partnerships" in text
    assert f"£{everything['yearly_total']:,.0f}" in text
    assert f"from {everything['yearly_n']} partnership(s)" in text
    assert f"£{everything['one_off_median']:,.0f}" in text


def test_network_figures_equal_kgraph_central_and_brokers(demo) -> None:
    store, _out, page, data = demo
    assert data["central"] == store.json("central", "--top", "10")
    assert data["brokers"] == store.json("brokers", "--top", "10")
    every = store.json("central", "--top", "100000")
    assert data["organisations"] == len(every)
    assert f"{data['organisations']:,}" in _text(page)
    sources = store.json("sources")
    assert data["sources_total"] == data["sources_used"] == len(sources) == 2
    for row in sources:
        assert row["source"] in page


def test_survey_figures_equal_kgraph_survey_summary(evidence) -> None:
    store, _out, page, data = evidence
    assert data["survey"] == store.json("survey", "summary")
    questions = {e["question_text"] for e in data["survey"]}
    assert "The partnership has improved services" in questions
    assert HOSTILE_QUESTION in questions
    assert "Survey answers" in page and "No survey in the store" not in page


def test_what_changed_is_kgraph_shifts_between_the_last_two_periods(evidence) -> None:
    store, _out, _page, data = evidence
    before, after = data["periods"][-2:]
    rows = store.json("shifts", "--from", before, "--to", after)
    moved = [r for r in rows if r["gained"] or r["lost"]][:10]
    assert data["shifts"] == moved and moved
    assert data["shift_summary"] == store.json(
        "shifts", "--from", before, "--to", after, "--summary"
    )


def test_a_region_narrows_every_figure(demo, tmp_path: Path) -> None:
    store, _out, _page, everything = demo
    page, data = store.report(tmp_path / "london.html", "--region", "london")
    rows = store.json("outcomes", "--region", "london")
    assert data["outcomes"] == rows
    assert 0 < data["partnerships"] == rows[0]["partnerships"] < everything["partnerships"]
    assert data["central"] == store.json("central", "--top", "10", "--region", "london")
    assert data["organisations"] == len(
        store.json("central", "--top", "100000", "--region", "london")
    )
    assert "--region london" in _text(page)
    assert f"{data['partnerships']:,}" in _text(page)


def test_a_period_narrows_the_figures(demo, tmp_path: Path) -> None:
    store, _out, _page, everything = demo
    _page, data = store.report(tmp_path / "p.html", "--period", "2016-2018")
    rows = store.json("outcomes", "--period", "2016-2018")
    assert data["outcomes"] == rows
    assert data["partnerships"] == rows[0]["partnerships"] < everything["partnerships"]
    assert all("2016" <= p[:4] <= "2018" for p in data["periods"])


# -- the parts are there, or say why not ------------------------------------------------------
def test_every_chart_is_inline_svg_or_a_note(demo, evidence) -> None:
    _store, _out, page, _data = demo
    charts = re.findall(r'<figure class="chart">\s*(<svg\b.*?</svg>)', page, re.S)
    assert len(charts) == 6  # 5 (the demo has no survey) and the map drawn for print
    assert "No survey in the store" in page
    for svg in charts:
        root = ElementTree.fromstring(svg)
        assert len(list(root.iter())) > 50, "an empty chart"
    _store, _out, page, _data = evidence
    assert len(re.findall(r'<figure class="chart">\s*<svg\b', page)) == 6  # one region: no brokers
    assert "No organisation has partners in more than one region" in page
    assert re.search(r'<iframe [^>]*srcdoc="&lt;!DOCTYPE html&gt;', page)
    # nothing to fetch: no src or href to a URL, no @import or url() of one
    assert not re.search(
        r"""(src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\(\s*["']?(https?:)?//""", page
    )


def test_data_quality_notes_list_names_and_news_to_review(evidence) -> None:
    store, _out, page, _data = evidence
    text = _text(page)
    assert "Cardif Council" in text and "City of Cardiff Council" in text  # near miss of
    review = store.json("orgs", "list", "--review")
    assert f"Names not in the register: {len(review)}, of which 1 near misses" in text
    pending = store.json("news", "review")
    assert pending and f"News facts awaiting review: {len(pending)}" in text
    for row in pending:
        assert row["id"] in text


def test_survey_answers_diverge_from_zero(evidence) -> None:
    from kgraph.report.charts import survey_figure

    _store, _out, _page, data = evidence
    entries = [e for e in data["survey"] if "positions" in e]
    fig = survey_figure(entries)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() > 0]
    # one row per question, from the bottom; negative answers drawn leftwards from zero
    for y, entry in enumerate(reversed(entries)):
        row = [b for b in bars if abs(b.get_y() + b.get_height() / 2 - y) < 1e-6]
        left = sum(-b.get_width() for b in row if b.get_width() < 0)
        right = sum(b.get_width() for b in row if b.get_width() > 0)
        negative = sum(a["percent"] for a in entry["answers"] if a["position"] == "negative")
        positive = sum(a["percent"] for a in entry["answers"] if a["position"] == "positive")
        assert left == pytest.approx(negative) and right == pytest.approx(positive)
        assert all(b.get_x() <= 0 for b in row if b.get_width() < 0)
        assert all(b.get_x() >= 0 for b in row if b.get_width() > 0)
    assert ax.get_xlim() == (-100, 100)


# -- escaping ---------------------------------------------------------------------------------
def test_hostile_names_are_text_in_html_and_svg(evidence) -> None:
    _store, _out, page, data = evidence
    for evil in (XSS_IMG, XSS_SCRIPT):
        assert evil not in page
    assert "<img" not in page.lower()
    outside = _outside_map(page)
    assert outside.count("<script") == 1  # the inert figures block only
    assert "<title>Evidence &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "&lt;img src=x onerror=alert(1)&gt; Board" in outside
    texts = []
    for svg in SVG.findall(outside):
        root = ElementTree.fromstring(svg)  # well-formed: nothing escaped out of its element
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "img")]
        texts += ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]
    joined = "\n".join(texts)
    assert f"{XSS_IMG} Board" in joined  # a top collaborator, drawn as text
    assert XSS_SCRIPT.strip() + " Trust" in joined
    assert "$services$?" in joined  # no mathtext: dollars shown as written
    assert "Cardif Council" in joined
    # the map: the same page `kgraph render` writes, attribute-escaped into srcdoc
    srcdoc = re.search(r'srcdoc="([^"]*)"', page).group(1)
    import html

    inner = html.unescape(srcdoc)
    assert "<script>alert(1)" not in inner and XSS_IMG not in inner
    assert "\\u003cimg src=x onerror=alert(1)\\u003e Board" in inner
    assert data["title"] == f"Evidence {XSS_SCRIPT}"


def test_charts_are_deterministic(evidence) -> None:
    from kgraph.analytics.selection import Filters
    from kgraph.report.charts import all_charts
    from kgraph.report.figures import gather
    from kgraph.store import Store as KgStore

    store, _out, _page, _data = evidence
    with KgStore.open(store.path) as opened:
        data = gather(opened, Filters(), "t")
    first, second = all_charts(data), all_charts(data)
    assert first == second
    svgs = [s for v in first.values() if v for s in ([v] if isinstance(v, str) else v)]
    ids = re.findall(r'\bid="([^"]+)"', "".join(svgs))
    assert len(ids) == len(set(ids)), "ids repeat between charts"


def test_a_selection_with_no_partnerships_says_so(demo, tmp_path: Path) -> None:
    store = demo[0]
    out = tmp_path / "gwent.html"
    result = store.run("report", str(out), "--region", "gwent")
    assert result.exit_code == 0, result.output
    assert "no partnerships match --region gwent" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<svg" not in page
    for said in ("No partnerships in this selection", "No partnerships to map"):
        assert said in page
    assert figures(page)["partnerships"] == 0


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "atlantis"], "no region called 'atlantis'"),
        (["--period", "2019-2010"], "the first year is after the last"),
        (["--period", "soon"], "expected YEAR-YEAR"),
    ],
)
def test_bad_options_are_one_line_errors(demo, tmp_path: Path, args, message) -> None:
    store = demo[0]
    out = tmp_path / "r.html"
    result = store.run("report", str(out), *args)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "code", "message"),
    [
        ("missing/dir/r.html", 1, "does not exist"),
        (".", 2, "is a directory"),  # click's own check of the argument: a usage error
        ("locked/r.html", 1, "cannot write"),
    ],
)
def test_an_unwritable_out_is_a_one_line_error(
    demo, tmp_path: Path, where: str, code: int, message: str
) -> None:
    import os

    store = demo[0]
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if where.startswith("locked") and os.access(locked, os.W_OK):
        pytest.skip("running as root: a read-only folder is still writable")
    out = tmp_path / where
    result = store.run("report", str(out))
    assert result.exit_code == code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "r.html").exists()


def test_matplotlib_loads_only_when_a_report_is_written() -> None:
    code = (
        "import sys, kgraph.cli; print('matplotlib' in sys.modules, 'kgraph.report' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- in a browser, offline ---------------------------------------------------------------------
@pytest.mark.slow
def test_the_reports_open_offline_in_chromium(demo, evidence) -> None:
    sync_playwright = browser_or_skip()
    seen = {}
    for name, (_store, out, _page, _data) in (("demo", demo), ("evidence", evidence)):
        seen[name] = open_report(sync_playwright, out)
    for name, expected in (("demo", 5), ("evidence", 5)):
        got = seen[name]
        assert got["requests"] == [], f"{name}: requests left the page"
        assert got["errors"] == [] and got["dialogs"] == [], got
        assert got["charts"] == [True] * expected, f"{name}: a chart is missing or empty"
        assert got["map_drawn"], f"{name}: the embedded map did not draw"
        assert got["map_nodes"] > 0
        assert got["injected"] == 0
        assert got["printed_map"] == [True, False], "print: the picture, not the frame"
    assert seen["demo"]["map_nodes"] == demo[3]["organisations"]
    assert XSS_IMG + " Board" in seen["evidence"]["text"]
    assert seen["evidence"]["pdf"] > 10_000


def open_report(sync_playwright, path: Path) -> dict:
    """Open the report with its own Content-Security-Policy, every non-file request aborted."""

    def look(page) -> dict:
        seen: dict = {}
        seen["charts"] = page.evaluate(
            """() => [...document.querySelectorAll('figure.chart')]
               .filter(f => !f.closest('.print-only')).map(f => {
                 const svg = f.querySelector(':scope > svg');
                 if (!svg) return false;
                 const box = svg.getBoundingClientRect();
                 return box.width > 100 && box.height > 50
                   && svg.querySelectorAll('path, text').length > 10;
               })"""
        )
        seen["text"] = page.inner_text("body")
        # Chromium draws an iframe only when it is on screen
        page.locator("iframe.map").scroll_into_view_if_needed()
        frame = page.frame_locator("iframe.map")
        frame.locator("#kg-net canvas").wait_for(timeout=30_000)
        inner = page.frames[1]
        inner.wait_for_function(
            "window.kgraphMap && window.kgraphMap.drawnAt !== null", timeout=30_000
        )
        seen["map_drawn"] = True
        seen["map_nodes"] = inner.evaluate("window.kgraphMap.network.body.data.nodes.length")
        seen["injected"] = page.evaluate(
            "document.querySelectorAll('img').length"
            " + document.querySelectorAll('script:not([type=\"application/json\"])').length"
        ) + inner.evaluate("document.querySelectorAll('img').length")
        page.emulate_media(media="print")  # the map printed as a picture
        seen["printed_map"] = page.evaluate(
            """() => [document.querySelector('.print-only svg'),
                      document.querySelector('iframe.map')]
               .map(e => e ? e.getBoundingClientRect().height > 0 : null)"""
        )
        seen["pdf"] = len(page.pdf(format="A4"))
        return seen

    return open_page(
        sync_playwright,
        path,
        look,
        own_csp=True,
        passes=("file://", "about:", "data:"),
        wait_for_map=False,
    )


# -- helpers ----------------------------------------------------------------------------------
def _outside_map(page: str) -> str:
    return re.sub(r'srcdoc="[^"]*"', 'srcdoc=""', page)


def _text(page: str) -> str:
    import html

    outside = re.sub(r"<svg\b.*?</svg>", "", _outside_map(page), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", outside)).replace("\xa0", " ")
