"""The evidence report: one self-contained, printable HTML file answering the questions
analysts ask of collaboration (who collaborates, in what, with what reported gains, who
changed partners, what respondents say), each figure traceable to its sources.

* `figures`  every number and table, computed by the functions the CLI commands use
             (`outcomes`, `central`, `brokers`, `shifts`, `survey summary`) so they agree;
* `quality`  data-quality notes: names to check, near misses, news facts awaiting review;
* `charts`   matplotlib figures as inline SVG (loaded only when a report is written);
* `page`     the HTML page: escaped text, print stylesheet, the map embedded offline.
"""

from kgraph.report.figures import ReportData, gather

__all__ = ["ReportData", "gather"]
