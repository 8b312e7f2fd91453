"""Tie survey answers to what the graph already holds: partnerships, by title or identifier.

A survey names the partnership an answer is about as people write it ("Prosiect Gwyrdd",
"P-07"). The partnerships already in the store (from a compendium or news) are matched by
identifier, then by title, forgivingly (case, punctuation, "&"); where several share a
title, the one the respondent is a member of wins. A name that matches nothing stays on the
observation as kg:partnershipName and is listed for review: import the compendium first, or
re-import the survey with --force afterwards (`linkable` finds the surveys to re-import,
which `kgraph import` names after writing partnerships).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import URIRef

_QUERY = """
SELECT ?p ?title ?id WHERE {
  ?p a org:OrganizationalCollaboration .
  OPTIONAL { ?p dcterms:title ?title }
  OPTIONAL { ?p dcterms:identifier ?id }
}
"""


def key(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ")
    return " ".join(re.findall(r"[a-z0-9]+", t))


@dataclass
class PartnershipIndex:
    """Partnerships in the store by normalised identifier and title (read once, lazily)."""

    store: object | None
    _by_id: dict[str, set[URIRef]] | None = None
    _by_title: dict[str, set[URIRef]] = field(default_factory=dict)
    _members: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    # (name, respondent) -> the answer of `find`: every answer of a row names the same one
    _found: dict[tuple[str, URIRef | None], tuple[list[URIRef], str]] = field(default_factory=dict)

    def _load(self) -> None:
        self._by_id = {}
        if self.store is None:
            return
        for row in self.store.select(_QUERY):  # type: ignore[attr-defined]
            p = URIRef(row["p"])
            if "id" in row:
                self._by_id.setdefault(key(str(row["id"])), set()).add(p)
            if "title" in row:
                self._by_title.setdefault(key(str(row["title"])), set()).add(p)

    def members(self, p: URIRef) -> set[URIRef]:
        if p not in self._members:
            rows = self.store.select(  # type: ignore[union-attr]
                "SELECT ?m WHERE { ?p org:hasMember ?m }", p=p
            )
            self._members[p] = {URIRef(r["m"]) for r in rows}
        return self._members[p]

    def find(self, name: str, respondent: URIRef | None = None) -> tuple[list[URIRef], str]:
        """(partnerships the name means, a note for the review list or "")."""
        found = self._found.get((name, respondent))
        if found is None:
            found = self._found[(name, respondent)] = self._find(name, respondent)
        return list(found[0]), found[1]

    def _find(self, name: str, respondent: URIRef | None) -> tuple[list[URIRef], str]:
        if self._by_id is None:
            self._load()
        assert self._by_id is not None
        k = key(name)
        if not k:
            return [], ""
        found = self._by_id.get(k) or self._by_title.get(k) or set()
        if len(found) > 1 and respondent is not None:
            mine = {p for p in found if respondent in self.members(p)}
            found = mine or found
        if not found:
            return [], (
                f"partnership {name!r} is not in the store: kept as a name (import the "
                "compendium that lists it first, then re-import this survey with --force)"
            )
        if len(found) > 1:
            return [], f"partnership {name!r} matches {len(found)} partnerships: kept as a name"
        return sorted(found), ""


_UNLINKED = """
SELECT ?path ?name ?respondent (COUNT(DISTINCT ?obs) AS ?n) WHERE {
  GRAPH ?g {
    ?obs kg:partnershipName ?name .
    ?g kg:filePath ?path .
    OPTIONAL { ?obs kg:respondent ?respondent }
    FILTER NOT EXISTS { ?obs kg:aboutPartnership ?p }
  }
} GROUP BY ?path ?name ?respondent
"""


def linkable(store: object) -> dict[str, int]:
    """Survey files whose answers name a partnership the store holds now but are not tied
    to it (imported before it was): file path -> how many such answers. Re-importing the
    file with --force ties them."""
    index = PartnershipIndex(store)
    found: dict[str, int] = {}
    for row in store.select(_UNLINKED):  # type: ignore[attr-defined]
        respondent = URIRef(row["respondent"]) if "respondent" in row else None
        if index.find(str(row["name"]), respondent)[0]:
            path = str(row["path"])
            found[path] = found.get(path, 0) + int(row["n"])
    return found
