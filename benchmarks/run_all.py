"""All the benchmarks in one run, then one table of their ratios.

    python -m benchmarks.run_all                  # scale S (about two minutes)
    python -m benchmarks.run_all --scale M        # 10k organisations, 20k partnerships
    python -m benchmarks.run_all --scale M --no-rdflib --analytics

Runs, in this order and in this process (the import paths in subprocesses of their own):
startup (`kgraph --help` vs `python -c pass`), imports of the compendium CSV, the news
digests and the survey responses (each: kgraph vs Oxigraph bulk load vs rdflib), queries
(each named query: kgraph vs Oxigraph vs rdflib) and, with --analytics,
benchmarks.analytics at its own scale of the same letter (kgraph vs igraph), and render
(file size and first draw of maps of 100, 1,000 and 5,000 organisations; `--render ''`
skips it, and it is skipped with the reason where Chromium is missing). Each prints
its own report as it goes; the summary table at the end repeats every ratio against its
target. Times are of this run only.
"""

from __future__ import annotations

import argparse
import io
import sys

from benchmarks import generate, imports, queries, startup


class _Tee(io.StringIO):
    def write(self, text: str) -> int:
        sys.stdout.write(text)
        sys.stdout.flush()
        return super().write(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(generate.SCALES), default="S")
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of N runs for imports, queries, analytics"
    )
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib paths")
    parser.add_argument("--rdflib-cap", type=float, default=60, help="seconds per rdflib query")
    parser.add_argument("--analytics", action="store_true", help="also benchmarks.analytics")
    parser.add_argument(
        "--render",
        default="100,1000,5000",
        help="map sizes for benchmarks.render (organisations, comma-separated; '' to skip)",
    )
    args = parser.parse_args()
    out = _Tee()
    rows: list[dict] = []
    out.write("== startup ==\n")
    rows += startup.run(10, out=out)
    out.write(f"\n== imports ({args.scale}: compendium CSV, news digests, survey responses) ==\n")
    rows += imports.run(  # best of --repeat, as the queries: one run of each path is noise here
        args.scale, rdflib=not args.no_rdflib, out=out, repeat=args.repeat, source="all"
    )
    out.write(f"\n== queries ({args.scale}) ==\n")
    rows += queries.run(args.scale, args.repeat, 0, not args.no_rdflib, args.rdflib_cap, out=out)
    if args.analytics:
        from benchmarks import analytics

        out.write(f"\n== analytics ({args.scale}: its own scale of that letter) ==\n")
        for r in analytics.run(args.scale, args.repeat, 0, False, out=out):
            rows.append(
                {
                    "benchmark": "analytics",
                    "item": r["measure"],
                    "kgraph": r["kgraph"],
                    "native": r["igraph"],
                    "rdflib": None,
                    "target": 1.5,
                }
            )
    maps: list[dict] = []
    if args.render:
        from benchmarks import render

        out.write("\n== render (maps in headless Chromium) ==\n")
        try:
            maps = render.run([int(n) for n in args.render.split(",")], out=out)
        except RuntimeError as exc:
            out.write(f"render skipped: {exc}\n")
    print("\n== summary: kgraph against the native ceiling, measured in this run ==")
    print(
        f"{'benchmark':10} {'what':40} {'kgraph s':>9} {'native s':>9} {'ratio':>8} "
        f"{'target':>7}  {'rdflib/native':>13}"
    )
    for r in rows:
        ratio = r["kgraph"] / r["native"] if r["native"] else float("inf")
        mark = "ok" if ratio <= r["target"] else "over"
        rd = f"{r['rdflib'] / r['native']:12.1f}x" if r["rdflib"] else ""
        target = f"<={r['target']:g}x"
        print(
            f"{r['benchmark']:10} {r['item'][:40]:40} {r['kgraph']:9.4f} {r['native']:9.4f} "
            f"{ratio:7.2f}x {target:>7} {mark:4} {rd:>13}"
        )
    print(
        "native = Oxigraph bulk load (import), pyoxigraph on the same store (query), "
        "python -c pass (startup), igraph (analytics)"
    )
    for m in maps:  # no native ceiling: the rendering issue asks for size and first draw
        print(
            f"{'render':10} {'map of ' + format(m['orgs'], ',') + ' organisations':40} "
            f"{m['mb']:6.2f} MB, first draw {m['first_draw']:.2f} s (built in {m['build']:.2f} s)"
        )


if __name__ == "__main__":
    main()
