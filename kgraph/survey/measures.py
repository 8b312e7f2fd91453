"""What survey questions measure: the kg:SurveyMeasures concepts of ontology/kgraph.ttl.

`match` reads a questionnaire's ``measures = "..."`` (a notation such as
``savings-achieved`` or a label such as "Savings achieved"); a value no concept has becomes a
new concept of the scheme, declared in the importing source's graph. `guess` names the
measure a question's wording suggests ("Has collaboration led to improved services?" ->
perceived-service-improvement), for generated definitions: the concept with the longest
label found inside the text, or None when two concepts tie.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from kgraph.concepts import Concept, ontology_triples
from kgraph.vocab import KG, concept, slug

SCHEME = "measure"


def _words(text: str) -> tuple[str, ...]:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("-", " ")
    out = []
    for w in re.findall(r"[a-z0-9]+", t):
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return tuple(out)


@functools.cache
def _index() -> tuple[dict[str, Concept], dict[tuple[str, ...], str]]:
    """(notation -> concept, label words -> notation), read from the ontology's triples in
    the order written: building its rdflib graph took most of a small survey's import."""
    facts: dict[str, dict[str, list[str]]] = {}  # subject -> predicate -> objects
    for s, p, o in ontology_triples():
        facts.setdefault(s.value, {}).setdefault(p.value, []).append(o.value)
    by_notation: dict[str, Concept] = {}
    labels: dict[tuple[str, ...], str] = {}
    for iri, about in facts.items():
        if str(KG.SurveyMeasures) not in about.get(str(SKOS.inScheme), ()):
            continue
        if str(SKOS.Concept) not in about.get(str(RDF.type), ()):
            continue
        notation = (about.get(str(SKOS.notation)) or ["None"])[0]
        pref = (about.get(str(SKOS.prefLabel)) or [notation])[0]
        by_notation[notation] = Concept(URIRef(iri), SCHEME, notation, pref)
        for text in (notation, pref, *about.get(str(SKOS.altLabel), ())):
            words = _words(text)
            if words:
                labels.setdefault(words, notation)
    return by_notation, labels


def all_measures() -> list[Concept]:
    return sorted(_index()[0].values(), key=lambda c: c.notation)


def match(text: str) -> Concept:
    """The concept a questionnaire's ``measures`` value names, or a new one for it."""
    by_notation, labels = _index()
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("no measure given")
    if cleaned in by_notation:
        return by_notation[cleaned]
    found = labels.get(_words(cleaned))
    if found:
        return by_notation[found]
    notation = slug(cleaned)
    return Concept(concept(SCHEME, notation), SCHEME, notation, cleaned, known=False)


def guess(text: str) -> Concept | None:
    """The measure a question's wording suggests, or None."""
    by_notation, labels = _index()
    words = _words(text)
    best_len, best = 0, set()
    longest = max((len(k) for k in labels), default=1)
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + longest) + 1):
            notation = labels.get(words[i:j])
            if notation is None:
                continue
            if j - i > best_len:
                best_len, best = j - i, {notation}
            elif j - i == best_len:
                best.add(notation)
    if len(best) > 1:  # "has joint working improved services?": the subject says little
        best.discard("extent-of-collaboration")
    if len(best) == 1:
        return by_notation[best.pop()]
    return None
