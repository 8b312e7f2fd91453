"""Find the organisations a sentence of news names, through the authority register.

Candidates are runs of capitalised words ("Neath Port Talbot", "Blackburn with Darwen",
"Cambridge, South Cambs and Huntingdon"), with a lower-case designator that may follow
("Merton, Richmond, Kingston and Sutton councils"). Each run is resolved by the register's
`Resolver` (short forms included), longest join of list elements first; a name the register
does not hold counts only when its form types it ("X Police", "X NHS Trust", "University of
X", "X Pension Fund", a contractor such as "Capita"). Never counted: generic mentions
("local councils", "the police"), names of no recognisable type (people, newspapers), and
bare place names used as places ("in Oxfordshire", "much of Cambridgeshire", "Dundee-based",
"travel to Shetland").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kgraph.resolve import Organisation, Resolution, Resolver

_TOKEN = re.compile(r"[A-Za-z0-9][\w'’.\-]*[\w]|[A-Za-z0-9]|&|,|;|:|\(|\)|[^\s\w]")
_INTERNAL = frozenset({"of", "upon", "with", "on", "the", "de", "y"})
_JOINERS = frozenset({"and", "&", ","})
_DESIGNATORS = (
    "county borough councils", "county borough council", "metropolitan borough council",
    "county councils", "county council", "borough councils", "borough council",
    "district councils", "district council", "city councils", "city council", "councils",
    "council", "boroughs", "borough", "police forces", "police force", "police",
    "constabulary", "fire and rescue services", "fire and rescue service",
    "fire and rescue authorities", "fire and rescue authority", "fire authorities",
    "fire authority", "fire services", "fire service", "nhs trusts", "nhs trust",
    "health boards", "health board", "university health board", "pension funds",
    "pension fund", "combined authority", "university",
)  # fmt: skip
_DESIGNATOR_WORDS = frozenset(
    [
        "council",
        "councils",
        "cc",
        "dc",
        "bc",
        "mbc",
        "cbc",
        "police",
        "constabulary",
        "service",
        "trust",
        "board",
        "authority",
        "fund",
        "university",
        "college",
        "government",
        "office",
        "department",
        "ltd",
        "limited",
        "plc",
        "llp",
        "group",
        "partnership",
        "ministry",
        "agency",
        "commission",
    ]
)
_LOCATIVE = frozenset(
    ["in", "across", "throughout", "within", "around", "near", "outside", "at", "over", "into"]
)
_OF_PLACE = frozenset(
    [
        "much",
        "most",
        "part",
        "parts",
        "rest",
        "all",
        "area",
        "areas",
        "county",
        "heart",
        "edge",
        "whole",
    ]
)
_MOTION = frozenset(
    [
        "travel",
        "travels",
        "travelled",
        "travelling",
        "move",
        "moves",
        "moved",
        "moving",
        "relocate",
        "relocated",
        "go",
        "goes",
        "went",
        "visit",
        "visits",
        "visited",
        "trip",
    ]
)
_PLACE_AFTER = frozenset(["area", "region", "residents", "people", "taxpayers", "streets", "town"])
# Council names that are also everyday words at the start of a sentence.
_COMMON_WORDS = frozenset(["reading", "bury", "hart", "eden", "wealden", "rugby", "bath", "wells"])
_POSSESSIVE = re.compile(r"['’]s?$")
_JOINED = re.compile(r"\band\b|&|,")
_PHRASES = re.compile(
    r"fire and rescue|health and social care|police and crime|fire and crime|"
    r"fire and emergency"
)
_FORM_WORDS = frozenset(
    [
        "community",
        "interest",
        "company",
        "companies",
        "trust",
        "trusts",
        "foundation",
        "charity",
        "limited",
        "ltd",
        "plc",
        "group",
        "university",
        "college",
        "police",
        "force",
        "forces",
        "fire",
        "rescue",
        "service",
        "services",
        "pension",
        "fund",
        "combined",
        "authority",
        "nhs",
        "health",
        "board",
        "council",
        "councils",
        "county",
        "borough",
        "district",
        "city",
        "the",
        "of",
        "and",
        "new",
        "local",
        "joint",
        "shared",
        "partnership",
        "company's",
    ]
)


@dataclass(frozen=True)
class Mention:
    """An organisation a sentence names, as written, with how sure the match is."""

    text: str  # as written (with the designator it was read with)
    org: Organisation
    start: int
    end: int
    confidence: float
    designated: bool  # written with a designator ("Council", "CC", "Police" ...)
    status: str

    @property
    def council(self) -> bool:
        return self.org.kind in ("local-authority", "combined-authority")


def _cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and False)


def tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class OrgFinder:
    """Organisation mentions in sentences; one per import (results cached by name)."""

    def __init__(self, resolver: Resolver | None = None) -> None:
        self.resolver = resolver or Resolver.default()
        self._cache: dict[tuple[str, str | None], Resolution | None] = {}

    # -- resolution of one candidate name ------------------------------------------------------
    def accept(self, name: str, region: str | None = None) -> Resolution | None:
        key = (name, region)
        if key not in self._cache:
            self._cache[key] = self._accept(name, region)
        return self._cache[key]

    def _accept(self, name: str, region: str | None) -> Resolution | None:
        r = self.resolver
        if not name.strip() or r.is_generic(name):
            return None
        try:
            res = r.resolve(name, region=region)
        except ValueError:
            return None
        if res.org.in_register:
            return res
        if res.ambiguous or res.status != "pattern" or res.org.kind == "unknown":
            return None
        return res

    # -- mentions in a sentence ------------------------------------------------------------------
    def find(self, sentence: str, regions: Counter | None = None) -> list[Mention]:
        toks = tokens(sentence)
        out: list[Mention] = []
        i, n = 0, len(toks)
        while i < n:
            if not _cap(toks[i][0]):
                i += 1
                continue
            j = i
            while j < n:
                t = toks[j][0]
                if _cap(t) or (
                    (t.lower() in _INTERNAL or t.lower() in _JOINERS)
                    and j + 1 < n
                    and _cap(toks[j + 1][0])
                ):
                    j += 1
                else:
                    break
            desig, k = self._designator(toks, j)
            out.extend(self._run(sentence, toks, i, j, desig, k, regions))
            i = max(j, k, i + 1)
        return out

    def _designator(self, toks: list[tuple[str, int, int]], j: int) -> tuple[str, int]:
        words = [t[0].lower() for t in toks[j : j + 5]]
        for d in _DESIGNATORS:
            parts = d.split()
            if words[: len(parts)] == parts and all(not toks[j + x][0][:1].isupper()
                                                     for x in range(len(parts))):  # fmt: skip
                return d, j + len(parts)
        return "", j

    def _run(self, sentence, toks, i, j, desig, k, regions) -> list[Mention]:
        # elements separated by joiners; the joiners kept so a join reads as written
        elements: list[list[int]] = [[]]
        seps: list[str] = []
        for x in range(i, j):
            t = toks[x][0]
            if t.lower() in _JOINERS:
                seps.append(t)
                elements.append([])
            else:
                elements[-1].append(x)
        if any(not e for e in elements):
            return []
        # "Richmond and Kingston Councils": a capitalised plural designator ends the run
        last = elements[-1]
        if not desig and len(last) > 1:
            tail = " ".join(toks[x][0].lower() for x in last[-3:])
            for d in _DESIGNATORS:
                if d.endswith("s") and (tail == d or tail.endswith(" " + d)):
                    count = len(d.split())
                    if len(last) > count:
                        desig, k = d, last[-count] + count
                        del last[-count:]
                    break
        # "Scotland's police forces": a possessive before a designator is no body's name
        if (
            desig
            and _POSSESSIVE.search(toks[elements[-1][-1]][0])
            and "'" in toks[elements[-1][-1]][0].replace("’", "'")
        ):
            desig = ""
        plural = desig.endswith("s") and desig not in ("police", "constabulary")
        singular = desig[:-1] if plural else desig
        found: list[Mention] = []
        a = 0
        while a < len(elements):
            hit = None
            for b in range(len(elements) - 1, a - 1, -1):
                start = toks[elements[a][0]][1]
                end = toks[elements[b][-1]][2]
                text = _POSSESSIVE.sub("", sentence[start:end]) if b == a else sentence[start:end]
                with_desig = b == len(elements) - 1 or plural
                cands = []
                if desig and with_desig:
                    cands.append(
                        (
                            f"{text} {singular}",
                            True,
                            toks[k - 1][2] if b == len(elements) - 1 else end,
                        )
                    )
                cands.append((text, _designated(text), end))
                for cand, designated, stop in cands:
                    m = self._mention(sentence, toks, cand, start, stop, designated, regions,
                                      first=elements[a][0], last=elements[b][-1])  # fmt: skip
                    if m is not None and plural and not m.org.in_register:
                        m = None  # a designator shared out is a guess: register names only
                    if (
                        m is not None
                        and b > a
                        and not m.org.in_register
                        and _JOINED.search(_PHRASES.sub(" ", cand.lower()))
                    ):
                        m = None  # "Kent County Council and Medway Council": two bodies
                    if m is not None and not m.org.in_register and len(elements[a]) > 2:
                        inner = self._inside(sentence, toks, elements[a], regions)
                        if any(x.org.in_register for x in inner):
                            m = inner[0]  # "Leader of Swansea Council"
                    if m is not None:
                        hit = (m, b)
                        break
                if hit:
                    break
            if hit:
                found.append(hit[0])
                a = hit[1] + 1
            else:
                found.extend(self._inside(sentence, toks, elements[a], regions))
                a += 1
        return found

    def _inside(self, sentence, toks, element: list[int], regions) -> list[Mention]:
        """A designated name inside a longer run ("Leader of Swansea Council Rob Stewart")."""
        for register_only in (True, False):
            out = self._inside_pass(sentence, toks, element, regions, register_only)
            if out:
                return out
        return []

    def _inside_pass(self, sentence, toks, element, regions, register_only) -> list[Mention]:
        out: list[Mention] = []
        s = 0
        while s < len(element):
            best = None
            for e in range(len(element) - 1, s - 1, -1):
                if e - s + 1 == len(element):
                    continue
                last_word = toks[element[e]][0].lower()
                if last_word not in _DESIGNATOR_WORDS or toks[element[s]][0].lower() in _INTERNAL:
                    continue
                start, end = toks[element[s]][1], toks[element[e]][2]
                text = _POSSESSIVE.sub("", sentence[start:end])
                m = self._mention(sentence, toks, text, start, end, True, regions,
                                  first=element[s], last=element[e])  # fmt: skip
                if m is not None and (m.org.in_register or not register_only):
                    best = (m, e)
                    break
            if best:
                out.append(best[0])
                s = best[1] + 1
            else:
                s += 1
        return out

    def _mention(self, sentence, toks, text, start, end, designated, regions, *, first, last):
        text = text.strip(" ,;:")
        res = self.accept(text)
        conf = 1.0
        if res is None and regions:
            for region, _ in regions.most_common(3):
                res = self.accept(text, region)
                if res is not None:
                    conf = 0.8
                    break
        if res is None and not designated and " " not in text and text[:1].isupper():
            res = self.accept(text + "shire")  # "Huntingdon" -> Huntingdonshire
            if res is not None and not res.org.in_register:
                res = None
            conf = 0.6
        if res is None:
            return None
        if not res.org.in_register and all(
            w in _FORM_WORDS for w in re.findall(r"[a-z]+", text.lower())
        ):
            return None  # "Community Interest Company", "Police Force": a form, not a name
        if res.status == "short-form" or not res.org.in_register:
            conf = min(conf, 0.9)
        m = Mention(text, res.org, start, end, conf, designated, res.status)
        if not designated and m.council and self._place(sentence, toks, first, last, text):
            return None
        return m

    def _place(self, sentence, toks, first, last, text) -> bool:
        """A bare place name used as a place, not as the council."""
        prev = toks[first - 1][0].lower() if first else ""
        prev2 = toks[first - 2][0].lower() if first > 1 else ""
        nxt = toks[last + 1][0].lower() if last + 1 < len(toks) else ""
        raw = toks[last][0].lower()
        if raw.endswith("-based") or nxt in ("-based", "based") or "-based" in text.lower():
            return True
        if prev in _LOCATIVE or (prev == "of" and prev2 in _OF_PLACE):
            return True
        if prev == "to" and prev2 in _MOTION:
            return True
        if nxt in _PLACE_AFTER:
            return True
        return first == 0 and text.lower() in _COMMON_WORDS


def _designated(text: str) -> bool:
    words = text.lower().replace(".", "").split()
    return bool(words) and (words[-1] in _DESIGNATOR_WORDS or words[0] in ("university",))
