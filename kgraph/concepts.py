"""Match free text from sources to the SKOS concepts of ontology/kgraph.ttl.

The schemes (service areas, regions, collaboration kinds, ...) are read from the ontology the
first time they are needed, never at import time. Matching is forgiving about case,
punctuation, underscores, "&" for "and", plural "s" and a leading "the", and tries, in order:

1. the whole text against every prefLabel, altLabel, hiddenLabel, notation (and, for regions,
   GSS code) of the scheme;
2. the same after dropping filler words around it ("Legal Services Team" -> "legal",
   "shared ICT service" -> "ict");
3. whole-word containment: if the labels found inside a multi-word text (longest wins where
   labels overlap) all belong to one concept, that concept ("Waste management and recycling
   services" -> waste). For organisation types, whose names end in their head noun, a tie is
   broken by the label that ends the text ("Velindre University NHS Trust" -> nhs-trust).

Text that matches nothing becomes an unknown concept (``known=False``) with a stable IRI from
the slug of the text, which the caller declares in its source's graph.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SKOS

from kgraph.memo import short_texts
from kgraph.names import singular
from kgraph.vocab import KG, SCHEME, concept, slug

SCHEMES: tuple[str, ...] = (
    "service",
    "region",
    "collaboration",
    "outcome",
    "role",
    "orgtype",
    "sector",
)

# Words around a value that do not change what it means ("Legal Services Team").
_TRAILING_FILLERS = frozenset(
    {
        "service", "function", "team", "department", "unit", "division", "directorate",
        "area", "region", "arrangement", "provision", "programme", "project",
    }
)  # fmt: skip
_LEADING_FILLERS = frozenset(
    {
        "the", "shared", "joint", "regional", "collaborative", "integrated", "combined",
        "inc", "incl", "including", "and", "or", "all",
    }
)  # fmt: skip
# Labels never used for containment (common English words); they still match exactly.
_NO_CONTAINMENT = frozenset({"it"})
_SPLIT = re.compile(r"\s*(?:[,;/|\n\r\t()\[\]]|\s&\s|\s\+\s)\s*")
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Concept:
    iri: rdflib.URIRef
    scheme: str  # "service", "region", "collaboration", "outcome", "role", "orgtype", "sector"
    notation: str
    label: str
    known: bool = True  # False: minted for a value no concept matched


# -- normalisation -----------------------------------------------------------------------------


_APOSTROPHE = re.compile(r"['\u2019`]")
_INITIALS = re.compile(r"\b(?:[a-z0-9]\.){2,}")
_WORD = re.compile(r"[a-z0-9]+")


# short texts repeat: every label of the schemes is read twice, a source's values often
@short_texts(longest=200, kept=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII words, '&' read as 'and', plurals folded, a leading 'the' dropped."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("_", " ")
    t = _APOSTROPHE.sub("", t)  # children's -> childrens
    t = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), t)  # I.C.T.
    words = [singular(w) for w in _WORD.findall(t)]
    while words and words[0] == "the":
        words.pop(0)
    return tuple(words)


def _key(text: str) -> str:
    return " ".join(_tokens(text))


def _strip_fillers(words: tuple[str, ...]) -> tuple[str, ...]:
    start, end = 0, len(words)
    while end - start > 1 and words[end - 1] in _TRAILING_FILLERS:
        end -= 1
    while end - start > 1 and words[start] in _LEADING_FILLERS:
        start += 1
    return words[start:end]


def _clean(text: str) -> str:
    return " ".join(text.replace("_", " ").split())


# -- the schemes, loaded once --------------------------------------------------------------------


@dataclass
class _Scheme:
    name: str
    by_notation: dict[str, Concept]
    exact: dict[str, set[str]]  # normalised label -> notations
    contained: dict[tuple[str, ...], set[str]]  # label words -> notations (containment)
    max_words: int


def _ontology_path() -> Path:
    try:
        from importlib.resources import files

        res = files("kgraph.ontology") / "kgraph.ttl"
        if res.is_file():
            return Path(str(res))
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[1] / "ontology" / "kgraph.ttl"


@functools.cache
def ontology_triples() -> tuple[tuple, ...]:
    """ontology/kgraph.ttl as pyoxigraph triples, parsed once: Oxigraph's parser takes a few
    milliseconds where rdflib's took a tenth of a second of every command."""
    parsed = ox.parse(path=str(_ontology_path()), format=ox.RdfFormat.TURTLE)
    return tuple((q.subject, q.predicate, q.object) for q in parsed)


@functools.cache
def ontology_graph() -> rdflib.Graph:
    """The ontology as an rdflib graph (built once, shared: treat it as read-only)."""
    from kgraph.store import from_ox

    g = rdflib.Graph()
    for s, p, o in ontology_triples():
        g.add((from_ox(s), from_ox(p), from_ox(o)))
    return g


def _scheme_of(iri: rdflib.URIRef) -> tuple[str, str] | None:
    text = str(iri)
    if not text.startswith(str(SCHEME)):
        return None
    scheme, _, notation = text[len(str(SCHEME)) :].partition("/")
    return (scheme, notation) if notation else None


@functools.cache
def _ontology_facts() -> dict[str, dict[str, list]]:
    """subject IRI -> predicate IRI -> objects: read from the triples themselves, since
    building the rdflib graph costs more than every look-up here."""
    facts: dict[str, dict[str, list]] = {}
    for s, p, o in ontology_triples():
        facts.setdefault(s.value, {}).setdefault(p.value, []).append(o)
    return facts


def ontology_values(subject: str, predicate: str) -> list[str]:
    """The values (IRIs or literal text) the ontology gives a subject for a predicate."""
    return [o.value for o in _ontology_facts().get(str(subject), {}).get(str(predicate), ())]


@functools.cache
def _schemes() -> dict[str, _Scheme]:
    facts = _ontology_facts()
    concept_type = str(SKOS.Concept)
    pref, alt, hidden_label, notation_of, gss = (
        str(t) for t in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SKOS.notation, KG.gssCode)
    )
    out = {name: _Scheme(name, {}, {}, {}, 1) for name in SCHEMES}
    for iri, about in facts.items():
        if not any(t.value == concept_type for t in about.get(str(rdflib.RDF.type), ())):
            continue
        parts = _scheme_of(iri)
        if parts is None or parts[0] not in out:
            continue
        name, _ = parts
        sch = out[name]

        def values(predicate: str, about: dict = about) -> list[str]:
            return [t.value for t in about.get(predicate, ())]

        notation = (values(notation_of) or [parts[1]])[0]
        label = _english(about.get(pref, ())) or notation
        sch.by_notation[notation] = Concept(rdflib.URIRef(iri), name, notation, label)
        visible = [label, *values(pref), *values(alt)]
        hidden = [notation, *values(hidden_label), *values(gss)]
        for text in visible + hidden:
            key = _key(text)
            if key:
                sch.exact.setdefault(key, set()).add(notation)
        for text in visible:
            words = _tokens(text)
            if words and " ".join(words) not in _NO_CONTAINMENT:
                sch.contained.setdefault(words, set()).add(notation)
                sch.max_words = max(sch.max_words, len(words))
    return out


def _english(literals: Iterable[ox.Literal]) -> str:
    best = ""
    for lit in literals:
        lang = lit.language
        if lang in (None, "en") and (not best or lang == "en"):
            best = lit.value
    return best


def _scheme(name: str) -> _Scheme:
    try:
        return _schemes()[name]
    except KeyError:
        raise KeyError(f"unknown concept scheme {name!r}; known: {', '.join(SCHEMES)}") from None


# -- matching ------------------------------------------------------------------------------------


def _exact(sch: _Scheme, words: tuple[str, ...]) -> str | None:
    found = sch.exact.get(" ".join(words))
    if not found:
        return None
    if len(found) == 1:
        return next(iter(found))
    return None  # two concepts share a label: refuse to guess (a test keeps this from happening)


def _containment(sch: _Scheme, words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Labels found as whole words inside `words`: (start, end, notation), longest spans only."""
    spans: list[tuple[int, int, str]] = []
    n = len(words)
    for i in range(n):
        for j in range(i + 1, min(n, i + sch.max_words) + 1):
            for notation in sch.contained.get(words[i:j], ()):
                spans.append((i, j, notation))
    return [
        s
        for s in spans
        if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)
    ]


def _known(sch: _Scheme, text: str, *, many: bool = False, contain: bool = True) -> list[str]:
    """Notations the text means: one, several (only with many=True), or none."""
    words = _tokens(text)
    if not words:
        return []
    for candidate in (words, _strip_fillers(words)):
        hit = _exact(sch, candidate)
        if hit:
            return [hit]
    if len(words) < 2 or not contain:
        return []
    spans = _containment(sch, words)
    notations = list(dict.fromkeys(n for _, _, n in sorted(spans)))
    if len(notations) == 1:
        return notations
    if len(notations) > 1 and sch.name == "orgtype":
        heads = {n for _, end, n in spans if end == len(words)}
        if len(heads) == 1:
            return [heads.pop()]
    return notations if many else []


def _unknown(scheme: str, text: str) -> Concept:
    cleaned = _clean(text)
    notation = slug(cleaned)
    return Concept(concept(scheme, notation), scheme, notation, cleaned, known=False)


def match(scheme: str, text: str) -> Concept:
    """The one concept of `scheme` that `text` names, or an unknown concept minted for it.

    Raises KeyError for an unknown scheme and ValueError for blank text.
    """
    sch = _scheme(scheme)
    if not _clean(text):
        raise ValueError(f"no text to match against the {scheme} scheme")
    found = _known(sch, text)
    return sch.by_notation[found[0]] if found else _unknown(scheme, text)


def match_many(scheme: str, text: str) -> list[Concept]:
    """All concepts a list-like text names ("economic development, transport, skills").

    The whole text is tried first (only exactly if it holds a separator); when it names no
    single concept it is split on , ; / | ( ) " & " and new lines, then each part on "and"
    when every side of it is known ("health and social care" -> health, social-care). A part
    holding the labels of several concepts gives them all; a part matching nothing becomes an
    unknown concept. No concept appears twice; blank text gives [].
    """
    sch = _scheme(scheme)
    if not _clean(text):
        return []
    parts = _SPLIT.split(text)
    # a list ("planning, zoo keeping") is matched whole only exactly, never by containment
    found = _known(sch, text, contain=len(parts) == 1)
    if found:
        return [sch.by_notation[found[0]]]
    out: dict[str, Concept] = {}
    for part in parts:
        part = re.sub(r"^(?:and|or|&)\s+", "", part.strip(), flags=re.IGNORECASE).strip()
        if not _tokens(part):
            continue
        for c in _part(sch, part):
            out.setdefault(str(c.iri), c)
    return list(out.values())


def _part(sch: _Scheme, part: str) -> list[Concept]:
    found = _known(sch, part)
    if found:
        return [sch.by_notation[found[0]]]
    pieces = [p for p in _AND.split(part) if _tokens(p)]
    if len(pieces) > 1:
        hits = [_known(sch, p) for p in pieces]
        if all(hits):
            return [sch.by_notation[h[0]] for h in hits]
    several = _known(sch, part, many=True)
    if several:
        return [sch.by_notation[n] for n in several]
    return [_unknown(sch.name, part)]


def lookup(scheme: str, notation: str) -> Concept:
    """The concept with this notation; KeyError if the scheme has none."""
    try:
        return _scheme(scheme).by_notation[notation]
    except KeyError:
        raise KeyError(f"no concept {notation!r} in the {scheme} scheme") from None


def sector_of(orgtype_notation: str) -> Concept:
    """The broad sector of an organisation type; 'other' for a type the scheme does not know."""
    sch = _scheme("orgtype")
    notation = orgtype_notation.rsplit("/", 1)[-1]
    c = sch.by_notation.get(notation)
    if c is not None:
        sectors = ontology_values(c.iri, KG.sector)
        parts = _scheme_of(sectors[0]) if sectors else None
        if parts is not None:
            return lookup("sector", parts[1])
    return lookup("sector", "other")


def all_concepts(scheme: str) -> list[Concept]:
    """Every concept of a scheme, ordered by notation."""
    return sorted(_scheme(scheme).by_notation.values(), key=lambda c: c.notation)
