"""A static security review of the whole tree, kept as a test so that it stays true.

- no eval/exec, no shell=True / os.system / os.popen, no pickle/marshal/unsafe YAML loading;
- no SPARQL built from text by f-string, .format, % or + unless every interpolation is a
  known-safe serialised term (allowlisted below, each with the reason it is safe);
- HTML built in f-strings escapes what it interpolates (html.escape), or the site is
  allowlisted with its reason;
- XML is never parsed with the standard library's or lxml's parsers (defusedxml only), and
  feedparser only sees a feed after `check_safe` has refused entity declarations.

A new site that builds SPARQL or HTML fails this test: make it bind terms instead (VALUES
via kgraph.store.bind / kgraph.sparql.bind) or escape, or, if it is safe, add it below
with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRODUCT_DIRS = ("kgraph", "plugins", "scripts", "benchmarks")
ALL_DIRS = (*PRODUCT_DIRS, "tests")

# (file, function, interpolated expression) -> why it cannot carry user text into SPARQL
SPARQL_ALLOWED = {
    ("kgraph/store.py", "bind", "name"): "checked against VARIABLE (a bare SPARQL name) first",
    ("kgraph/store.py", "bind", "term"): "a pyoxigraph term: escaped N-Triples syntax",
    ("kgraph/store.py", "replace_graph", "g"): "ox.NamedNode: a validated IRI in <...>",
    ("kgraph/store.py", "_write_difference", "g"): "ox.NamedNode: a validated IRI in <...>",
    ("kgraph/store.py", "_write_difference", "removed"): (
        "N-Triples lines Oxigraph wrote (dump of the stored graph): escaped terms"
    ),
    ("kgraph/store.py", "_write_difference", "inserted"): (
        "N-Triples lines Oxigraph wrote (serialize of pyoxigraph terms, read back through "
        "an in-memory store): escaped terms"
    ),
    ("kgraph/store.py", "replace_graph", "chr(10).join(map(_nt, gone))"): (
        "pyoxigraph quads serialised by _nt: escaped N-Triples terms"
    ),
    ("kgraph/store.py", "replace_graph", "chr(10).join(map(_nt, added))"): (
        "pyoxigraph quads serialised by _nt: escaped N-Triples terms"
    ),
    ("kgraph/store.py", "remove_graph", "g"): "ox.NamedNode: a validated IRI in <...>",
    ("kgraph/store.py", "remove_graph", "chr(10).join(map(_nt, head))"): (
        "pyoxigraph quads read from the store, serialised by _nt: escaped N-Triples terms"
    ),
    ("kgraph/store.py", "_drop", "g"): "ox.NamedNode: a validated IRI in <...>",
    ("kgraph/store.py", "_drop", "chr(10).join(map(_nt, part))"): (
        "pyoxigraph quads read from the store, serialised by _nt: escaped N-Triples terms"
    ),
    ("kgraph/sparql.py", "bind", "name"): "checked against VARIABLE (a bare SPARQL name) first",
    ("kgraph/sparql.py", "bind", "to_term(value)"): "a pyoxigraph term: escaped N-Triples",
    ("kgraph/remote.py", "<module>", "p"): "PROLOGUE: prefix names of kgraph.vocab.PREFIXES",
    ("kgraph/remote.py", "<module>", "iri"): "PROLOGUE: namespaces of kgraph.vocab.PREFIXES",
    ("kgraph/validate.py", "_sparql_checks", "p"): (
        "sh:prefix of the project's own ontology/shapes.ttl (trusted, not user input)"
    ),
    ("kgraph/validate.py", "_sparql_checks", "ns"): (
        "sh:namespace of the project's own ontology/shapes.ttl (trusted, not user input)"
    ),
    ("benchmarks/queries.py", "_rdflib_worker", "p"): "prefix names of kgraph.vocab.PREFIXES",
    ("benchmarks/queries.py", "_rdflib_worker", "iri"): "namespaces of kgraph.vocab.PREFIXES",
    ("kgraph/remote.py", "<module>", "BASE"): "a constant of kgraph.vocab",
    ("kgraph/remote.py", "<module>", "TMP_GRAPHS"): "a constant (BASE + 'graph/tmp/')",
    ("kgraph/remote.py", "graphs", "KGRAPH_GRAPHS"): "a module constant built from constants",
    ("kgraph/remote.py", "count", "KGRAPH_GRAPHS"): "a module constant built from constants",
    ("kgraph/remote.py", "count", "ox.NamedNode(graph)"): "a validated IRI in <...>",
    ("kgraph/remote.py", "count", "where"): "one of the two GRAPH patterns built just above",
    ("kgraph/remote.py", "has_graph", "ox.NamedNode(graph)"): "a validated IRI in <...>",
    ("kgraph/remote.py", "graph_quads", "g"): "ox.NamedNode: a validated IRI in <...>",
    ("kgraph/remote.py", "remove_graph", "ox.NamedNode(graph)"): "a validated IRI in <...>",
    ("kgraph/remote.py", "replace_graph", "target"): "ox.NamedNode: a validated IRI",
    ("kgraph/remote.py", "replace_graph", "tmp"): "ox.NamedNode of a constant and a uuid",
    ("kgraph/remote.py", "_load", "graph"): "ox.NamedNode: a validated IRI",
    ("kgraph/remote.py", "_load", '"\\n".join(lines)'): (
        "N-Triples lines of pyoxigraph terms (to_ox / skolem IRIs), serialised escaped"
    ),
}
# (file, function, interpolated expression) -> why it is not unescaped text in HTML
HTML_ALLOWED = {
    ("kgraph/serve.py", "page", "STYLE"): "a constant style sheet",
    ("kgraph/serve.py", "page", "options"): "built from constant format names just above",
    ("kgraph/serve.py", "page", "name"): "one of the constant format names",
    ("kgraph/serve.py", "answer", "text.strip()"): "boolean_text: the words true/false",
    ("kgraph/serve.py", "html_table", "len(rows)"): "an integer",
    ("kgraph/serve.py", "html_table", "head"): "<th> cells whose text is html.escape'd",
    ("kgraph/serve.py", "html_table", "body"): "<td> cells whose text is html.escape'd",
    (
        "kgraph/serve.py",
        "html_table",
        '"".join(f"<td>{html.escape(results.plain(t, short=True))}</td>" for t in row)',
    ): "<td> cells whose text is html.escape'd",
    ("kgraph/results.py", "boolean_text", "word"): "the word true or false (XML results)",
}
SPARQL_WORDS = re.compile(
    r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|DROP|CLEAR|LOAD|MOVE|COPY|CREATE|"
    r"WHERE|VALUES|GRAPH|FILTER|PREFIX|SERVICE)\b"
)
SPARQL_SHAPE = re.compile(r"[{?<]|\bGRAPH\b|\bDATA\b")
HTML_TAG = re.compile(
    r"<(?:/?)(?:html|head|body|title|table|tr|td|th|div|p|a|pre|span|script|style|h\d|li|ul|"
    r"form|textarea|input|option|select|label|button|code|em|strong|section|nav|svg|text)\b",
    re.IGNORECASE,
)
UNSAFE_CALLS = {
    "eval": "eval() runs text as code",
    "exec": "exec() runs text as code",
    "os.system": "runs a shell",
    "os.popen": "runs a shell",
    "pickle.load": "unpickling runs code",
    "pickle.loads": "unpickling runs code",
    "marshal.loads": "unmarshalling untrusted data",
    "yaml.unsafe_load": "YAML that can construct objects",
    "shelve.open": "pickle underneath",
}
UNSAFE_XML = ("xml.etree", "xml.dom", "xml.sax", "lxml", "xml.parsers.expat")


def python_files(dirs: tuple[str, ...]) -> list[Path]:
    out = []
    for d in dirs:
        out.extend(p for p in sorted((ROOT / d).rglob("*.py")) if "__pycache__" not in p.parts)
    return out


class Site(ast.NodeVisitor):
    """Walks one module, keeping the name of the enclosing function."""

    def __init__(self, path: Path) -> None:
        self.rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        self.src = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.src, str(path))
        self.func = ["<module>"]
        self.strings: list[tuple[str, str, int, ast.expr]] = []  # (func, text, line, node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # noqa: N802 - ast API
        self.func.append(node.name)
        self.generic_visit(node)
        self.func.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def interpolations(self, node: ast.expr) -> tuple[str, list[str]] | None:
        """(constant text, interpolated expressions) of a string being built, else None."""
        seg = ast.get_source_segment
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            exprs = [
                seg(self.src, v.value) or "?"
                for v in node.values
                if isinstance(v, ast.FormattedValue)
            ]
            return (text, exprs) if exprs else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if (
                node.func.attr == "format"
                and isinstance(base, ast.Constant)
                and isinstance(base.value, str)
            ):
                args = [*node.args, *(k.value for k in node.keywords)]
                return base.value, [seg(self.src, a) or "?" for a in args]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            parts, exprs, text = [node.left, node.right], [], ""
            for part in parts:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    text += part.value
                elif isinstance(part, ast.JoinedStr):
                    inner = self.interpolations(part)
                    text += "".join(v.value for v in part.values if isinstance(v, ast.Constant))
                    exprs.extend(inner[1] if inner else [])
                elif not isinstance(part, ast.BinOp):
                    exprs.append(seg(self.src, part) or "?")
            return (text, exprs) if text and exprs else None
        return None

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.expr):
            found = self.interpolations(node)
            if found is not None:
                self.strings.append((self.func[-1], found[0], getattr(node, "lineno", 0), found[1]))
        super().generic_visit(node)


def _sites(dirs: tuple[str, ...]) -> list[Site]:
    sites = []
    for path in python_files(dirs):
        site = Site(path)
        site.visit(site.tree)
        sites.append(site)
    return sites


@pytest.fixture(scope="module")
def product() -> list[Site]:
    return _sites(PRODUCT_DIRS)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def test_no_code_execution_or_shells_anywhere() -> None:
    problems = []
    for path in python_files(ALL_DIRS):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _dotted(node.func)
            if name.removeprefix("builtins.") in UNSAFE_CALLS:
                problems.append(
                    f"{rel}:{node.lineno}: {name}: {UNSAFE_CALLS[name.removeprefix('builtins.')]}"
                )
            if name == "yaml.load" and not any(
                k.arg == "Loader" and "Safe" in _dotted(k.value) for k in node.keywords
            ):
                problems.append(f"{rel}:{node.lineno}: yaml.load without a SafeLoader")
            for kw in node.keywords:
                if kw.arg == "shell" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    problems.append(f"{rel}:{node.lineno}: shell=... runs a shell")
    assert not problems, "\n".join(problems)


def test_sparql_is_never_built_from_text(product) -> None:
    problems, used = [], set()
    for site in product:
        for func, text, line, exprs in site.strings:
            if not (SPARQL_WORDS.search(text) and SPARQL_SHAPE.search(text)):
                continue
            for expr in exprs:
                key = (site.rel, func, expr)
                if key in SPARQL_ALLOWED:
                    used.add(key)
                else:
                    problems.append(f"{site.rel}:{line} in {func}(): {expr!r} in {text[:60]!r}")
    assert not problems, "SPARQL built from text (bind terms instead):\n" + "\n".join(problems)
    stale = set(SPARQL_ALLOWED) - used
    assert not stale, f"allowlisted sites no longer exist: {sorted(stale)}"


def test_html_interpolations_are_escaped(product) -> None:
    problems = []
    for site in product:
        for func, text, line, exprs in site.strings:
            if not HTML_TAG.search(text):
                continue
            for expr in exprs:
                if expr.startswith(("html.escape(", "escape(")):
                    continue
                if (site.rel, func, expr) not in HTML_ALLOWED:
                    problems.append(f"{site.rel}:{line} in {func}(): {expr!r} in {text[:60]!r}")
    assert not problems, "unescaped text in HTML:\n" + "\n".join(problems)


def test_xml_is_parsed_safely(product) -> None:
    problems = []
    for site in product:
        for node in ast.walk(site.tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith(UNSAFE_XML) and name != "xml.sax.saxutils":  # escaping only
                    problems.append(f"{site.rel}:{node.lineno}: imports {name} (use defusedxml)")
        for func in ast.walk(site.tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            calls = [_dotted(n.func) for n in ast.walk(func) if isinstance(n, ast.Call)]
            if "feedparser.parse" in calls and "check_safe" not in calls:
                problems.append(f"{site.rel}: {func.name}() parses a feed without check_safe")
    assert not problems, "\n".join(problems)


def test_feed_safety_refuses_entities_before_parsing() -> None:
    """The dynamic half: check_safe refuses DTD entities, external DTDs and parameter
    entities, so feedparser (which expands internal entities) never sees them."""
    from kgraph.errors import BadInput
    from kgraph.news.feeds import check_safe

    for data in (
        b'<!DOCTYPE r [<!ENTITY a "aaaa">]><rss/>',
        b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://x/">%p;]><rss/>',
        b'<!DOCTYPE rss SYSTEM "http://x/x.dtd"><rss/>',
        b'<!doctype r [<!entity a SYSTEM "file:///etc/passwd">]><rss/>',
    ):
        with pytest.raises(BadInput, match="refused"):
            check_safe(data, "feed.xml")


def test_the_review_catches_string_built_queries_and_markup(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(store, name):\n"
        "    store.select(f\"SELECT ?o WHERE {{ ?o rdfs:label '{name}' }}\")\n"
        "    store.update('DELETE WHERE { ?s ?p \"' + name + '\" }')\n"
        "    return f'<td>{name}</td>'\n"
    )
    site = Site(bad)
    site.visit(site.tree)
    sparql = [e for _, t, _, es in site.strings if SPARQL_WORDS.search(t) for e in es]
    markup = [e for _, t, _, es in site.strings if HTML_TAG.search(t) for e in es]
    assert sparql.count("name") == 2 and markup == ["name"]
