"""The report as one HTML page: self-contained, offline, printable, and safe to share.

Safety: every text from a source (names, titles, headlines, survey questions) goes through
`html.escape` in `el`, the one place markup is built; only `Markup` (made here, or SVG
written by matplotlib, which escapes text itself) is kept as is. The page runs no script
of its own: its Content-Security-Policy allows exactly the map's two inline scripts (by
hash), which run inside the embedded map (an <iframe srcdoc> holding the map page,
attribute-escaped, sandboxed without same-origin rights). Nothing is fetched: no CDN,
charts are inline SVG, the map inlines vis-network as `kgraph render` does.

Print: A4 pages, charts and table rows never split across pages; the map is printed as
a static picture (a browser prints a frame only as far as it has drawn it).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kgraph.render.page import inert_json
from kgraph.report.figures import MAX_ROWS, ReportData

FIGURES_ID = "kg-report-figures"


class Markup(str):
    """Trusted markup: built by `el` from escaped text, or SVG written by matplotlib."""


def escape(value: object) -> Markup:
    return Markup(html.escape(str(value), quote=True))


Child = str | Markup | None | Iterable["Child"]


def el(tag: str, *children: Child, **attrs: object) -> Markup:
    """<tag attrs>children</tag>: text children and attribute values are escaped; Markup
    children are kept; None and False attributes are left out; `class_` is `class`."""
    parts = ["<", tag]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts += [" ", name] if value is True else [" ", name, '="', escape(value), '"']
    parts.append(">")
    parts.extend(_children(children))
    if tag not in VOID:
        parts += ["</", tag, ">"]
    return Markup("".join(parts))


VOID = {"meta", "br", "img", "input", "hr", "link", "col"}


def _children(children: Iterable[Child]) -> Iterable[str]:
    for child in children:
        if child is None:
            continue
        if isinstance(child, Markup):
            yield child
        elif isinstance(child, str):
            yield escape(child)
        else:
            yield from _children(child)


def table(
    columns: Sequence[tuple[str, Callable[[dict[str, Any]], object]]],
    rows: Sequence[dict[str, Any]],
    numeric: Sequence[str] = (),
) -> Markup:
    head = el(
        "tr", [el("th", name, class_="num" if name in numeric else None) for name, _ in columns]
    )
    body = [
        el(
            "tr",
            [
                el("td", _cell(get(row)), class_="num" if name in numeric else None)
                for name, get in columns
            ],
        )
        for row in rows
    ]
    return el("table", el("thead", head), el("tbody", body))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def gbp(value: object) -> str:
    return "" if value is None else f"£{value:,.0f}"


def note(text: str) -> Markup:
    """A note; `command` in backquotes is shown as code."""
    parts = text.split("`")
    return el("p", [el("code", t) if i % 2 else t for i, t in enumerate(parts)], class_="note")


def figure(svg: str | list[str] | None, empty: str, caption: str | None = None) -> Markup:
    """Each chart kept on one page; `empty` says what is missing when there is none."""
    if not svg:
        return el("p", empty, class_="empty")
    drawings = [svg] if isinstance(svg, str) else svg
    return Markup(
        "".join(
            el("figure", Markup(d), el("figcaption", caption) if caption else None, class_="chart")
            for d in drawings
        )
    )


def section(ident: str, title: str, *body: Child) -> Markup:
    return el("section", el("h2", title), *body, id=ident)


# -- the sections ---------------------------------------------------------------------------
def headlines(data: ReportData) -> Markup:
    cards = [
        el(
            "div",
            el("div", h.value, class_="value"),
            el("div", h.label, class_="label"),
            el("div", h.basis, class_="basis"),
            class_="card",
        )
        for h in data.headlines
    ]
    return section(
        "headlines",
        "Headline figures",
        el("div", cards, class_="cards"),
        note(
            "A partnership reports gains if it has an outcome of kind efficiency-gain or "
            "saving. Savings a year and one-off savings are totalled apart, never added "
            "together; each figure says how many partnerships it rests on "
            "(as `kgraph outcomes`)."
        ),
    )


def services(data: ReportData, svg: str | None) -> Markup:
    rows = data.rows("service")
    columns = [
        ("Service area", lambda r: r["name"]),
        ("Partnerships", lambda r: r["partnerships"]),
        ("Reporting gains", lambda r: r["reporting_gains"]),
        ("%", lambda r: r["gains_pct"]),
        ("Savings a year", lambda r: gbp(r["yearly_total"])),
        ("n", lambda r: r["yearly_n"]),
        ("One-off savings", lambda r: gbp(r["one_off_total"])),
        ("n ", lambda r: r["one_off_n"]),
    ]
    numeric = [c for c, _ in columns[1:]]
    caption = None
    if len(rows) > MAX_ROWS:
        caption = f"The {MAX_ROWS} largest of {len(rows)} service areas; the table lists all."
    return section(
        "services",
        "Partnerships and savings by service area",
        figure(svg, "No partnerships in this selection.", caption),
        table(columns, rows, numeric) if rows else None,
        note("A partnership in several service areas counts in each of them."),
    )


def starts(data: ReportData, svg: str | None) -> Markup:
    undated = (
        note(f"{data.undated:,} of {data.partnerships:,} partnerships have no start year.")
        if data.undated
        else None
    )
    return section(
        "starts",
        "Partnerships started per year, by region",
        figure(svg, "No partnership in this selection has a start year."),
        undated,
    )


def mix(data: ReportData, svg: str | None) -> Markup:
    periods = ", ".join(str(p) for p in data.periods)
    return section(
        "mix",
        "Partner mix by sector, per period",
        figure(svg, "Too few dated memberships to compare periods (two periods are needed)."),
        note(
            f"Periods: {periods}. For the organisations of each sector, the sectors of their "
            "partners (shares of their partner ties) in each period, as `kgraph shifts "
            "--summary`. Undated memberships count in every period."
        )
        if data.periods
        else None,
    )


def changes(data: ReportData) -> Markup:
    if len(data.periods) < 2:
        return section(
            "changes", "What changed", el("p", "Two periods are needed.", class_="empty")
        )
    before, after = data.periods[-2], data.periods[-1]
    from kgraph.analytics.shifts import describe_mix, describe_shift

    columns = [
        ("Organisation", lambda r: r["organisation"]),
        ("Type", lambda r: r["type"]),
        (f"Partners {before}", lambda r: r["partners_from"]),
        (f"Partners {after}", lambda r: r["partners_to"]),
        ("Gained", lambda r: r["gained"]),
        ("Lost", lambda r: r["lost"]),
        ("Switches", lambda r: r["switches"]),
        ("Mix shift", lambda r: describe_shift(r["mix_shift"])),
    ]
    sectors = [
        ("Sector", lambda r: r["sector"]),
        ("Organisations", lambda r: r["organisations"]),
        (f"Ties {before}", lambda r: r["ties_from"]),
        (f"Ties {after}", lambda r: r["ties_to"]),
        (f"Mix {before}", lambda r: describe_mix(r["mix_from"])),
        (f"Mix {after}", lambda r: describe_mix(r["mix_to"])),
        ("Shift", lambda r: describe_shift(r["mix_shift"])),
    ]
    return section(
        "changes",
        f"What changed: {before} to {after}",
        el("h3", "Largest partner shifts")
        if data.shift_rows
        else el("p", "No organisation gained or lost partners.", class_="empty"),
        table(columns, data.shift_rows, [c for c, _ in columns[2:4]]) if data.shift_rows else None,
        el("h3", "Partner mix by sector") if data.shift_summary else None,
        table(sectors, data.shift_summary, [c for c, _ in sectors[1:4]])
        if data.shift_summary
        else None,
        note(
            f"As `kgraph shifts --from {before} --to {after}`: organisations ranked by partners "
            "gained plus lost; mix shift in percentage points."
        ),
    )


def survey(data: ReportData, svg: list[str] | None) -> Markup:
    if not data.survey:
        return section(
            "survey",
            "Survey answers",
            el(
                "p",
                "No survey in the store: import one (kgraph import responses.csv).",
                class_="empty",
            ),
        )
    blocks = []
    for entry in data.survey:
        if entry["group"]:
            continue
        title = f"{entry['survey']}: {entry['question']}: {entry['question_text']}"
        rows = [
            ("Answer", lambda a: a["answer"]),
            ("Position", lambda a: a["position"] or ""),
            ("Responses", lambda a: a["responses"]),
            ("%", lambda a: a["percent"]),
        ]
        extra = (
            f"mean {entry['mean']}, lowest {entry['min']}, highest {entry['max']}"
            if "mean" in entry
            else None
        )
        answers = entry["answers"] if len(entry["answers"]) <= 12 else []
        blocks.append(
            el(
                "div",
                el("h3", f"{title} ({entry['responses']} responses)"),
                table(rows, answers, ["Responses", "%"]) if answers else None,
                note(extra) if extra else None,
                class_="question",
            )
        )
    return section(
        "survey",
        "Survey answers",
        figure(svg, "No question with a scale of positive and negative answers."),
        note(
            "Counts and shares as `kgraph survey summary`. Survey answers cover every "
            "respondent in the store: --period and --region do not narrow them."
        ),
        blocks,
    )


def network(data: ReportData, central: str | None, brokers: str | None) -> Markup:
    return section(
        "network",
        "Top collaborators and brokers",
        figure(central, "No organisations in this selection.", None),
        figure(brokers, "No organisation has partners in more than one region."),
        note(
            "Degree: the share of the other organisations an organisation has partnered with "
            "(`kgraph central`). Participation: how evenly its partners spread over regions, "
            "0 to 1 (`kgraph brokers`)."
        ),
    )


def map_section(data: ReportData, picture: str | None) -> Markup:
    if not data.map_html:
        return section("map", "Network map", el("p", "No partnerships to map.", class_="empty"))
    return section(
        "map",
        "Network map",
        [note(n) for n in data.map_notes],
        el(
            "iframe",
            title="Network map of the selection",
            sandbox="allow-scripts",
            srcdoc=data.map_html,  # attribute-escaped by el()
            class_="map",
        ),
        el(
            "div",
            note(
                "Interactive: hover or click an organisation, search, filter. The same map "
                "as `kgraph render` with the report's filters; printed as a static picture."
            ),
            class_="screen-only",
        ),
        el("div", figure(picture, "No partnerships to map."), class_="print-only"),
    )


def sources(data: ReportData) -> Markup:
    columns = [
        ("Source", lambda r: r["source"]),
        ("Importer", lambda r: r["importer"]),
        ("Imported", lambda r: str(r["imported"])[:16].replace("T", " ")),
        ("Records", lambda r: r["records"]),
        ("Rejected", lambda r: r["rejects"]),
        ("Triples", lambda r: r["triples"]),
        ("In this report", _contribution),
    ]
    return section(
        "sources",
        "Sources",
        table(columns, data.sources, ["Records", "Rejected", "Triples"])
        if data.sources
        else el("p", "No sources imported.", class_="empty"),
        note(
            "Every imported source (`kgraph sources`), with what it states about the "
            "partnerships in this report; survey answers and news events: all it holds."
        ),
    )


def _contribution(row: dict[str, Any]) -> str:
    parts = [
        f"{row['partnerships']:,} partnerships",
        f"{row['memberships']:,} memberships",
        f"{row['organisations']:,} organisations",
    ]
    if row["answers"]:
        parts.append(f"{row['answers']:,} survey answers")
    if row["events"]:
        parts.append(f"{row['events']:,} news events")
    return ", ".join(parts)


QUALITY_SHOWN = 40


def quality(data: ReportData) -> Markup:
    names = data.quality.get("names", [])
    news = data.quality.get("news", [])
    name_columns = [
        ("Name", lambda r: r["name"]),
        ("Type", lambda r: r["type"]),
        ("Resolution", lambda r: r["resolution"]),
        ("Near miss of", lambda r: r["near_miss"]),
        ("Partnerships", lambda r: r["partnerships"]),
        ("In this report", lambda r: "yes" if r["in_report"] else "no"),
    ]
    news_columns = [
        ("Id", lambda r: r["id"]),
        ("Fact", lambda r: r["fact"]),
        ("Date", lambda r: r["date"]),
        ("Kind", lambda r: r["kind"]),
        ("Confidence", lambda r: r["confidence"]),
        ("Headline", lambda r: r["title"]),
        ("Organisations", lambda r: r["organisations"]),
        ("Source", lambda r: r["source"]),
    ]
    near = sum(1 for r in names if r["near_miss"])
    return section(
        "quality",
        "Data-quality notes",
        el("h3", f"Names not in the register: {len(names):,}, of which {near:,} near misses"),
        table(name_columns, names[:QUALITY_SHOWN], ["Partnerships"])
        if names
        else el("p", "Every organisation was found in the register.", class_="empty"),
        _more(len(names), "kgraph orgs list --review"),
        el("h3", f"News facts awaiting review: {len(news):,}"),
        table(news_columns, news[:QUALITY_SHOWN], ["Confidence"])
        if news
        else el("p", "No news facts await review.", class_="empty"),
        _more(len(news), "kgraph news review"),
        note(
            "Near misses resemble a register body but were not merged with it. Rejected news "
            "facts are left out of every figure; pending ones count until decided."
        ),
    )


def _more(n: int, command: str) -> Markup | None:
    if n <= QUALITY_SHOWN:
        return None
    return note(f"... and {n - QUALITY_SHOWN:,} more: {command}")


# -- the page ---------------------------------------------------------------------------------
def render_report(data: ReportData, charts: dict[str, Any]) -> str:
    subtitle = "Selection: " + (data.filters or "all partnerships in the store")
    body = [
        el("header", el("h1", data.title), el("p", subtitle, class_="subtitle")),
        headlines(data),
        services(data, charts["services"]),
        starts(data, charts["starts"]),
        mix(data, charts["mix"]),
        changes(data),
        survey(data, charts["survey"]),
        network(data, charts["central"], charts["brokers"]),
        map_section(data, charts["network"]),
        sources(data),
        quality(data),
        el("footer", note("Written by kgraph report. Every text from a source is shown as text.")),
        # the figures as data, inert (no <, > or &), for anyone checking them
        el("script", Markup(inert_json(data.as_json())), type="application/json", id=FIGURES_ID),
    ]
    parts = {
        "TITLE": escape(data.title),
        "CSP": escape(policy(data.map_html)),
        "CSS": CSS,
        "BODY": "\n".join(body),
    }
    # one pass, so a placeholder inside the data is never expanded
    return re.sub(r"@@([A-Z]+)@@", lambda m: parts[m.group(1)], TEMPLATE)


SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def policy(map_html: str) -> str:
    """No request, no script but the embedded map's own inline scripts (by hash: a srcdoc
    frame keeps its parent's policy, so the map's scripts must be allowed here)."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in SCRIPT.findall(map_html)
    ]
    scripts = " ".join(hashes) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        "img-src data:; frame-src 'self' about:; base-uri 'none'; form-action 'none'"
    )


def write_report(data: ReportData, charts: dict[str, Any], out: Path) -> Path:
    out = Path(out)
    out.write_text(render_report(data, charts), encoding="utf-8")
    return out


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@@CSP@@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@CSS@@</style>
</head>
<body>
@@BODY@@
</body>
</html>
"""

CSS = """
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; color: #222;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.6rem; margin: .2rem 0; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #1f77b4; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.subtitle { color: #555; margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .7rem; }
.card .value { font-size: 1.35rem; font-weight: 600; color: #1f4e79; }
.card .label { font-weight: 600; }
.card .basis { color: #555; font-size: .85rem; }
figure.chart { margin: .6rem 0; }
figure.chart svg { width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .8rem; margin: .4rem 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 2px 5px; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f4f8; overflow-wrap: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-size: .85rem; }
code { font: .85em ui-monospace, monospace; background: #f3f3f3; padding: 0 2px; }
.empty { color: #8a5a00; background: #fff8e6; padding: .4rem .6rem; border-radius: 4px; }
iframe.map { width: 100%; height: 640px; border: 1px solid #ccc; }
.print-only { display: none; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure.chart, .card, tr, .question { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section#map { break-before: page; page-break-before: always; }
  iframe.map, .screen-only { display: none; }
  .print-only { display: block; }
  .cards { grid-template-columns: repeat(4, 1fr); }
}
"""
