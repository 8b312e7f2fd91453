"""The report's charts as inline SVG, drawn by matplotlib without a browser or network.

matplotlib: well kept, on every platform, and its SVG backend writes a standalone vector
drawing with no script and nothing fetched, which prints sharply to PDF. It is imported
here only, and this module only when a report is written, so `kgraph --help` stays fast.

Settings, deliberately:
* `svg.fonttype = "none"`: text stays <text> (searchable, selectable, small files), and
  matplotlib's XML writer escapes it, so a name such as `<img src=x onerror=...>` is text;
* `text.parse_math = False`, `text.usetex = False`: a "$" in a name is shown as written;
* `svg.hashsalt` set per chart and no date in the metadata: the same data gives the
  same bytes, and clip-path ids differ between the charts of one page;
* `Figure` + `FigureCanvasSVG` only: no pyplot, no global state.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from kgraph.analytics.selection import Period
from kgraph.report.figures import MAX_ROWS

WIDTH = 7.2  # inches: fits an A4 or Letter page with margins
ROW = 0.28  # inches per bar row
LABEL = 48  # characters of a name shown on an axis
SURVEY_ROWS = 15  # questions in one survey chart
BLUE, LIGHT, ORANGE, GREY = "#1f77b4", "#aec7e8", "#ff7f0e", "#9e9e9e"
POSITIVE = ("#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef")
NEGATIVE = ("#a63603", "#e6550d", "#fd8d3c", "#fdae6b", "#fdd0a2")
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
)  # fmt: skip
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)  # Dublin Core of a file: not inline
PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)


def rc(salt: str) -> dict[str, Any]:
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"kgraph-report-{salt}",
        "text.parse_math": False,
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.size": 8.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 9.5,
        "axes.titleweight": "bold",
    }


@contextmanager
def _figure(salt: str, height: float) -> Iterator[Figure]:
    with mpl.rc_context(rc(salt)):
        yield Figure(figsize=(WIDTH, max(height, 1.6)), layout="constrained")


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an <svg> element ready to inline (no XML prologue or doctype)."""
    out = io.StringIO()
    with mpl.rc_context(rc(salt)):
        FigureCanvasSVG(fig).print_svg(out, metadata={"Date": None, "Creator": None})
    text = METADATA.sub("", PROLOGUE.sub("", out.getvalue()))
    # ids unique in the page: matplotlib numbers "figure_1", "axes_1", ... afresh in every
    # file. Only inside tags: text content never holds a raw "<" (matplotlib escapes it).
    return TAG.sub(lambda m: _prefix_ids(m.group(0), salt), text)


TAG = re.compile(r"<[^<>]*>")
REFERENCE = re.compile(r'(\bid="|="url\(#|\bhref="#)')


def _prefix_ids(tag: str, salt: str) -> str:
    return REFERENCE.sub(lambda m: m.group(1) + salt + "-", tag)


def short(text: object, limit: int = LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _money(value: float) -> str:
    if value >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    if value >= 1e3:
        return f"£{value / 1e3:,.0f}k"
    return f"£{value:,.0f}"


def services(rows: list[dict[str, Any]]) -> str | None:
    """Partnerships (and those reporting gains) and savings by service area: the
    MAX_ROWS largest, so the chart fits a printed page (the table lists them all)."""
    if not rows:
        return None
    rows = rows[:MAX_ROWS]
    names = [short(r["name"], 36) for r in rows][::-1]
    total = [r["partnerships"] for r in rows][::-1]
    gains = [r["reporting_gains"] for r in rows][::-1]
    yearly = [r["yearly_total"] or 0 for r in rows][::-1]
    once = [r["one_off_total"] or 0 for r in rows][::-1]
    with _figure("services", 0.7 + ROW * len(rows)) as fig:
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=(1, 1))
        y = list(range(len(rows)))
        left.barh(y, total, color=LIGHT, label="partnerships")
        left.barh(y, gains, color=BLUE, label="reporting gains")
        left.set_yticks(y, names)
        left.set_title("Partnerships by service area")
        left.legend(loc="lower right", frameon=False)
        left.xaxis.get_major_locator().set_params(integer=True)
        if any(yearly) or any(once):
            h = 0.4
            right.barh([v + h / 2 for v in y], yearly, h, color=BLUE, label="a year")
            right.barh([v - h / 2 for v in y], once, h, color=ORANGE, label="one-off")
            right.xaxis.set_major_formatter(lambda v, _pos: _money(v))
            right.legend(loc="lower right", frameon=False)
        else:
            right.text(0.5, 0.5, "no savings reported", ha="center", transform=right.transAxes)
            right.set_xticks([])
        right.set_title("Savings reported")
    return to_svg(fig, "services")


def starts(by_year: dict[int, Any]) -> str | None:
    """Partnerships started per year, stacked by region."""
    if not by_year:
        return None
    years = sorted(by_year)
    regions = sorted({r for counts in by_year.values() for r in counts})
    regions.sort(key=lambda r: (r == "other regions", -sum(by_year[y][r] for y in years), r))
    with _figure("starts", 3.0) as fig:
        ax = fig.subplots()
        bottom = [0] * len(years)
        for i, region in enumerate(regions):
            heights = [by_year[y][region] for y in years]
            colour = GREY if region == "other regions" else PALETTE[i % len(PALETTE)]
            ax.bar(years, heights, bottom=bottom, color=colour, label=short(region, 30))
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set_title("Partnerships started per year, by region")
        ax.set_ylabel("partnerships")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7.5)
    return to_svg(fig, "starts")


def mix(by_sector: dict[str, list[dict[str, float]]], periods: list[Period]) -> str | None:
    """For each sector, the sectors of its partners in each period (shares of its ties)."""
    rows = [(s, i) for s in by_sector for i in range(len(periods)) if by_sector[s][i]]
    if not rows:
        return None
    kinds: list[str] = []
    for s, i in rows:
        kinds += [k for k in by_sector[s][i] if k not in kinds]
    colour = {k: PALETTE[n % len(PALETTE)] for n, k in enumerate(kinds)}
    labels = [f"{short(s, 20)}  {periods[i]}" for s, i in rows][::-1]
    with _figure("mix", 0.9 + ROW * len(rows)) as fig:
        ax = fig.subplots()
        y = list(range(len(rows)))
        left = [0.0] * len(rows)
        for kind in kinds:
            widths = [100 * by_sector[s][i].get(kind, 0.0) for s, i in rows][::-1]
            ax.barh(y, widths, left=left, color=colour[kind], label=short(kind, 24))
            left = [a + w for a, w in zip(left, widths, strict=True)]
        ax.set_yticks(y, labels)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of partner ties")
        ax.set_title("Partner mix by sector, per period (organisations' sector, then period)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title="partners")
    return to_svg(fig, "mix")


def survey(entries: list[dict[str, Any]]) -> list[str] | None:
    """Diverging bars: per question, negative answers left of zero, positive right; one
    chart per SURVEY_ROWS questions, so that each fits a printed page."""
    rows = [e for e in entries if "positions" in e and not e["group"]]
    if not rows:
        return None
    out = []
    for n, start in enumerate(range(0, len(rows), SURVEY_ROWS)):
        fig = survey_figure(rows[start : start + SURVEY_ROWS])
        if fig is not None:
            out.append(to_svg(fig, f"survey{n}" if n else "survey"))
    return out


def survey_figure(entries: list[dict[str, Any]]) -> Figure | None:
    """The questions with positive and negative answers (`survey summary` entries, not
    grouped); bar widths are the answers' percentages, negative ones drawn leftwards.
    Neutral answers and answers with no position are written beside each bar."""
    rows = [e for e in entries if "positions" in e and not e["group"]]
    if not rows:
        return None
    with _figure("survey", 0.9 + 0.42 * len(rows)) as fig:
        ax = fig.subplots()
        for y, entry in enumerate(reversed(rows)):
            positive = [a for a in entry["answers"] if a["position"] == "positive"]
            negative = [a for a in entry["answers"] if a["position"] == "negative"]
            start = 0.0
            for rank, answer in enumerate(reversed(positive)):
                width = float(answer["percent"])
                shade = POSITIVE[min(len(positive) - 1 - rank, len(POSITIVE) - 1)]
                ax.barh(y, width, left=start, color=shade, edgecolor="white")
                _inside(ax, start + width / 2, y, answer, width)
                start += width
            start = 0.0
            for rank, answer in enumerate(negative):
                width = float(answer["percent"])
                shade = NEGATIVE[min(len(negative) - 1 - rank, len(NEGATIVE) - 1)]
                ax.barh(y, -width, left=start, color=shade, edgecolor="white")
                _inside(ax, start - width / 2, y, answer, width)
                start -= width
            neutral = entry["positions"]["neutral"]
            placed = sum(p["responses"] for p in entry["positions"].values())
            other = entry["responses"] - placed
            beside = f"neutral {neutral['percent']}%"
            if other:
                beside += f", other {100 * other / entry['responses']:.1f}%"
            ax.annotate(
                f"{beside} · n={entry['responses']}",
                (1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
                color="#555",
            )
        ax.axvline(0, color="#333", linewidth=0.8)
        ax.set_yticks(range(len(rows)), [_question(e) for e in reversed(rows)], fontsize=7.5)
        ax.set_xlim(-100, 100)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{abs(v):.0f}%")
        ax.set_xlabel("← negative answers          % of responses          positive answers →")
        ax.set_title("Survey answers per question")
    return fig


def _question(entry: dict[str, Any]) -> str:
    """Question id and text on at most two short lines, so the bars keep their width."""
    import textwrap

    text = short(f"{entry['question']}: {entry['question_text']}", 64)
    return "\n".join(textwrap.wrap(text, 34)[:2])


def _inside(ax: Any, x: float, y: int, answer: dict[str, Any], width: float) -> None:
    if width >= 14:
        ax.text(x, y, f"{answer['percent']}%", ha="center", va="center", fontsize=7, color="w")


def ranking(rows: list[dict[str, Any]], key: str, title: str, salt: str) -> str | None:
    """Organisations ranked by a score (`kgraph central` / `kgraph brokers` rows)."""
    if not rows:
        return None
    names = [f"{r['rank']}. {short(r['organisation'], 44)}" for r in rows][::-1]
    values = [float(r[key]) for r in rows][::-1]
    with _figure(salt, 0.7 + ROW * len(rows)) as fig:
        ax = fig.subplots()
        y = list(range(len(rows)))
        ax.barh(y, values, color=BLUE)
        for i, r in enumerate(reversed(rows)):
            ax.annotate(
                f"{r[key]}  ({r['partners']} partners)",
                (values[i], i),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
            )
        ax.set_yticks(y, names)
        ax.set_xlim(0, max(values) * 1.35 or 1)
        ax.set_title(title)
    return to_svg(fig, salt)


def network(picture: dict[str, Any]) -> str | None:
    """The map as a static drawing (for print): ties, nodes sized and coloured as in the
    map, the most central names written, the legend of the colours."""
    nodes = picture.get("nodes") or []
    if not nodes:
        return None
    from matplotlib.collections import LineCollection

    with _figure("network", 6.4) as fig:
        ax = fig.subplots()
        xs, ys = [n["x"] for n in nodes], [-n["y"] for n in nodes]
        segments = [[(xs[a], ys[a]), (xs[b], ys[b])] for a, b in picture["ties"]]
        ax.add_collection(LineCollection(segments, colors="#b0b0b0", linewidths=0.3, alpha=0.6))
        ax.scatter(
            xs,
            ys,
            s=[(n["size"] / 3) ** 2 for n in nodes],
            c=[n["colour"] for n in nodes],
            edgecolors="white",
            linewidths=0.3,
            zorder=2,
        )
        for i in _named(nodes, xs, ys):
            ax.annotate(
                short(nodes[i]["label"], 32),
                (xs[i], ys[i]),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=6.5,
                zorder=3,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
        for entry in picture["legend"][:LEGEND]:
            ax.scatter([], [], c=entry["colour"], label=short(entry["label"], 28), s=25)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=7,
            title=f"by {picture['by']}",
        )
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(f"Network map: {len(nodes):,} organisations, {len(segments):,} ties")
    return to_svg(fig, "network")


NAMED = 12  # organisations named in the printed map


def _named(nodes: list[dict[str, Any]], xs: list[float], ys: list[float]) -> list[int]:
    """The largest nodes, skipping any too close to one already named (labels overlap)."""
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i]["size"], nodes[i]["label"]))
    chosen: list[int] = []
    for i in order:
        if len(chosen) == NAMED:
            break
        if all(abs(xs[i] - xs[j]) > span / 5 or abs(ys[i] - ys[j]) > span / 25 for j in chosen):
            chosen.append(i)
    return chosen


LEGEND = 10


def all_charts(data: Any) -> dict[str, Any]:
    """Chart name -> SVG, or a list of SVGs (survey); None when the part has no data."""
    return {
        "services": services(data.rows("service")),
        "starts": starts(data.starts),
        "mix": mix(data.mix, data.periods),
        "survey": survey(data.survey),
        "central": ranking(data.central, "score", "Central collaborators (degree)", "central"),
        "brokers": ranking(
            data.brokers, "participation", "Brokers between regions (participation)", "brokers"
        ),
        "network": network(data.network),
    }
