"""The demo map in a real browser (headless Debian chromium driven by Playwright), offline.

Every request that is not file:// is aborted and recorded; the page must draw the whole
network, find "Cardiff", and show hostile names and headlines as text without running them.
Skipped, saying why, only when /usr/bin/chromium or the playwright package is missing
(.ci/run installs both).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.browser import CHROMIUM, open_page

pytestmark = pytest.mark.slow  # ~15 s: a real browser, twice

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = (
    "Ref,Project Title,Lead Body,Partner Bodies,Service Area,Region,Collaboration Type,"
    "Start,End,Status,Description,Outcome,Efficiency Gain (GBP per year),Evidence\n"
    f'XSS-1,"{XSS_IMG} shared waste",Cardiff Council,"{XSS_SCRIPT} Trust; {XSS_IMG} Board",'
    f'Waste,South East Wales,Shared service,2016,2019,Active,"{XSS_SCRIPT}",'
    f'"{XSS_IMG} saved £1m per annum",1000000,"{XSS_SCRIPT} headline (2016)"\n'
)

# the news importer strips tags from headlines; entities stay as written, as text
NEWS = (
    "&lt;img src=x onerror=alert(1)&gt; councils &lt;/script&gt;&lt;script&gt;alert(1)"
    "&lt;/script&gt; share planning\n\nPublished 3 March 2017\n\n"
    "Cardiff Council and Newport City Council have agreed to run a joint planning service, "
    "expected to save £200,000 a year.\n"
)


def browser_or_skip():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed: pip install -e '.[test]'")
    return sync_playwright


@pytest.fixture(scope="module")
def demo_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from kgraph import demo
    from kgraph.analytics.projection import organisation_network
    from kgraph.cli import cli
    from kgraph.store import Store

    base = tmp_path_factory.mktemp("demo")
    store, out = base / "store", base / "kgraph-demo.html"
    demo.run(store, out)
    hostile = base / "hostile.csv"
    hostile.write_text(HOSTILE, encoding="utf-8")
    news = base / "hostile-news.txt"
    news.write_text(NEWS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(store), "import", str(hostile), str(news)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["--store", str(store), "render", str(out), "--top", "0"])
    assert result.exit_code == 0, result.output
    with Store.open(store) as opened:
        expected = organisation_network(opened).number_of_nodes()
    return out, expected


INK = """() => {
  const canvas = document.querySelector('#kg-net canvas');
  const ctx = canvas.getContext('2d');
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 0 && (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240)) ink++;
  }
  return ink;
}"""

WHERE = """() => {
  const net = window.kgraphMap.network, id = net.getSelectedNodes()[0];
  const dom = net.canvasToDOM(net.getPositions([id])[id]);
  const box = document.getElementById('kg-net').getBoundingClientRect();
  return [box.left + dom.x, box.top + dom.y];
}"""


def test_demo_map_draws_offline_and_runs_no_source_text(demo_map: tuple[Path, int]) -> None:
    sync_playwright = browser_or_skip()
    path, expected = demo_map

    def body(page) -> dict:
        page.wait_for_timeout(300)
        out = {
            "nodes": page.evaluate("window.kgraphMap.network.body.data.nodes.length"),
            "ink": page.evaluate(INK),
        }
        page.fill("#kg-search", "Cardiff")
        page.press("#kg-search", "Enter")
        out["found"] = page.text_content("#kg-found")
        out["selected"] = page.evaluate("window.kgraphMap.network.getSelectedNodes().length")
        page.fill("#kg-search", "Newport City Council")
        page.press("#kg-search", "Enter")
        out["news_detail"] = page.text_content("#kg-detail")
        page.fill("#kg-search", XSS_IMG + " Board")
        page.press("#kg-search", "Enter")
        out["hostile_found"] = page.text_content("#kg-found")
        out["hostile_detail"] = page.text_content("#kg-detail")
        rows = page.locator("#kg-table tbody tr", has_text="shared waste")
        rows.first.click()
        out["row_detail"] = page.text_content("#kg-detail")
        out["table_rows"] = page.locator("#kg-table tbody tr").count()
        page.click("#kg-table th[data-key=start]")
        out["injected"] = page.evaluate(
            "document.querySelectorAll('img').length + document.querySelectorAll('script').length"
        )
        page.wait_for_timeout(200)
        return out

    seen = open_page(sync_playwright, path, body)
    assert seen["errors"] == []
    assert seen["requests"] == [], "requests left the page"
    assert seen["nodes"] == expected
    assert seen["ink"] > 1000, "the canvas is blank"
    assert "Cardiff" in seen["found"]
    assert seen["selected"] == 1
    assert seen["dialogs"] == [], "source text ran as script"
    assert seen["injected"] == 3, "an element was injected (only the page's 3 scripts expected)"
    assert XSS_IMG in seen["hostile_found"]
    assert XSS_IMG + " Board" in seen["hostile_detail"]
    assert XSS_SCRIPT in seen["row_detail"]  # the compendium record's text, as text
    assert seen["table_rows"] > 100
    assert "news: &lt;img src=x onerror=alert(1)&gt; councils" in seen["news_detail"]


def test_filters_work_without_a_server(demo_map: tuple[Path, int]) -> None:
    sync_playwright = browser_or_skip()
    path, _expected = demo_map

    def body(page) -> dict:
        count = "window.kgraphMap.nodes.get({filter: n => !n.hidden}).length"
        out = {"all": page.evaluate(count)}
        page.select_option("#kg-service", "Waste and recycling")
        out["waste"] = page.evaluate(count)
        out["waste_rows"] = page.locator("#kg-table tbody tr").count()
        page.fill("#kg-from", "2016")
        page.fill("#kg-to", "2016")
        page.dispatch_event("#kg-to", "change")
        out["waste_2016"] = page.evaluate(count)
        page.click("#kg-reset")
        out["reset"] = page.evaluate(count)
        page.fill("#kg-search", "Cardiff")
        page.press("#kg-search", "Enter")
        x, y = page.evaluate(WHERE)
        page.mouse.move(x, y)
        page.wait_for_selector("#kg-tip:not([hidden])", timeout=5_000)
        out["tip"] = page.text_content("#kg-tip")
        return out

    seen = open_page(sync_playwright, path, body)
    assert seen["requests"] == []
    assert 0 < seen["waste"] < seen["all"]
    assert seen["waste_rows"] >= 1
    assert 0 < seen["waste_2016"] <= seen["waste"]
    assert seen["reset"] == seen["all"]
    # the hovered node (Cardiff, or a neighbour drawn over it) shows its own tooltip
    assert "\ncodes: GSS " in seen["tip"] and "\npartnerships (" in seen["tip"]
