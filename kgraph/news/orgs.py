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

Where a name starts and ends: a capitalised word may end in an apostrophe ("St Thomas' NHS
Foundation Trust"); a run stops before "on"/"with" after a designator word ("... NHS Trust
on HR") unless the register holds the longer name ("Council on Tribunals"); people opening a
run ("Leaders of", "Chief Executive of") are no part of the name after them, and after any
other "X of"/"X with" a designated register name is taken ("Talks with Kent County Council");
a capitalised "And" joins the parts of a register name ("Mid And South Essex NHS Foundation
Trust").
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass

from kgraph.resolve import Organisation, Resolution, Resolver

# A capitalised word may end in an apostrophe when a name goes on after it ("St Thomas' NHS
# Foundation Trust"); elsewhere the apostrophe is a token of its own (a closing quote).
_TOKEN = re.compile(
    r"[A-Z][\w'’.\-]*s['’](?=\s+[A-Z])|[A-Za-z0-9][\w'’.\-]*[\w]|[A-Za-z0-9]|&|,|;|:|\(|\)"
    r"|[^\s\w]"
)
_INTERNAL = frozenset({"of", "upon", "with", "on", "the", "de", "y"})
# Linking words that never go on after a designator word: "... NHS Foundation Trust on HR".
_NOT_AFTER_DESIGNATOR = frozenset({"upon", "with", "on", "de", "y"})
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
# first word -> (designator, its words), in the order of _DESIGNATORS (longest first)
_DESIGNATORS_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _d in _DESIGNATORS:
    _DESIGNATORS_BY_FIRST.setdefault(_d.split()[0], []).append((_d, tuple(_d.split())))
# last word -> the plural designators ending in it, in the order of _DESIGNATORS
_PLURALS_BY_LAST: dict[str, list[str]] = {}
for _d in _DESIGNATORS:
    if _d.endswith("s"):
        _PLURALS_BY_LAST.setdefault(_d.split()[-1], []).append(_d)
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
# Words that end the people or things a sentence opens with, before an organisation's name.
_HEAD_LINKS = frozenset({"of", "with", "on", "upon"})
# People of an organisation: "Leaders of X", "Chief Executive of X" name X, not a body of
# their own (a capitalised role mid-sentence is a title, and reads the same way).
_PEOPLE = frozenset({
    "leader", "leaders", "member", "members", "chief", "chiefs", "executive", "executives",
    "head", "heads", "boss", "bosses", "officer", "officers", "official", "officials", "staff",
    "director", "directors", "chair", "chairs", "chairman", "chairwoman", "chairperson",
    "councillor", "councillors", "representative", "representatives", "manager", "managers",
    "employee", "employees", "worker", "workers", "governor", "governors", "trustee",
    "trustees", "spokesman", "spokeswoman", "spokesperson",
})  # fmt: skip
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
_CACHE_LIMIT = 200_000  # candidate names remembered per finder
_SENTENCES_KEPT = 50_000  # sentences remembered per finder
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
        # forms of voluntary bodies ("Food Bank" alone is a kind of body, not one)
        "food",
        "bank",
        "banks",
        "foodbank",
        "foodbanks",
        "credit",
        "union",
        "hospice",
        "carers",
        "centre",
        "center",
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


@dataclass(frozen=True)
class _Span:
    """One run of a sentence, split into elements at its joiners, and its designator."""

    sentence: str
    toks: list[tuple[str, int, int]]
    elements: list[list[int]]
    desig: str  # a lower-case designator written after the run ("councils"), or ""
    k: int  # the token after the designator
    regions: tuple[str, ...]


def _head(toks: list[tuple[str, int, int]], element: list[int]) -> tuple[int, bool] | None:
    """Where a name may start after the first "of"/"with"/"on" of an element ("Leaders of
    Kent County Council"), and whether the words before it are people ("Leaders"), or None.
    """
    for p in range(1, len(element) - 1):
        if toks[element[p]][0] in _HEAD_LINKS:
            people = all(toks[x][0].lower() in _PEOPLE for x in element[:p])
            if toks[element[p + 1]][0] == "the" and p + 2 < len(element):
                p += 1  # "Leader of the West Midlands Combined Authority"
            return element[p + 1], people
    return None


def _cap(tok: str) -> bool:
    return tok[:1].isupper()


def tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class OrgFinder:
    """Organisation mentions in sentences (results cached by name and by sentence; one
    finder serves one thread at a time)."""

    def __init__(self, resolver: Resolver | None = None) -> None:
        self.resolver = resolver or Resolver.default()
        self._lookup = self.resolver.without_near_misses()
        self._cache: dict[tuple[str, str | None], Resolution | None] = {}
        self._registered: dict[tuple[str, str | None], Resolution | None] = {}
        # (sentence, regions, or None when they cannot matter) -> mentions
        self._found: dict[tuple[str, tuple[str, ...] | None], list[Mention]] = {}
        self._regional = False
        self._ambiguous: set[str] = set()  # names several register bodies share

    @classmethod
    def default(cls) -> OrgFinder:
        """One finder for the default register per thread (a finder is not thread-safe):
        its caches serve every file the thread imports."""
        resolver = Resolver.default()
        finder = getattr(_DEFAULT_FINDERS, "finder", None)
        if finder is None or finder.resolver is not resolver:
            finder = _DEFAULT_FINDERS.finder = cls(resolver)
        return finder

    # -- resolution of one candidate name ------------------------------------------------------
    def accept(
        self, name: str, region: str | None = None, *, registered: bool = False
    ) -> Resolution | None:
        """The register body or typed new organisation a name is, or None (no body's name,
        or several bodies alike). `registered`: register bodies only, for a name that
        could not count otherwise (a join of several names), which is cheaper to answer."""
        key = (name, region)
        if key in self._cache:
            res = self._cache[key]
            return res if res is None or not registered or res.org.in_register else None
        if registered:
            if key in self._registered:
                return self._registered[key]
            res = self._accept_registered(name, region)
            if len(self._registered) < _CACHE_LIMIT:
                self._registered[key] = res
            return res
        res = self._accept(name, region)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[key] = res
        return res

    def _accept(self, name: str, region: str | None) -> Resolution | None:
        try:  # a generic mention resolves to an "unknown" organisation: None below
            res = self._lookup.resolve(name, region=region)
        except ValueError:
            return None
        if self._settled(name, region, res):
            return res if res.org.in_register else None
        if res.status != "pattern" or res.org.kind == "unknown":
            return None
        return res

    def _accept_registered(self, name: str, region: str | None) -> Resolution | None:
        res = self._lookup.resolve_registered(name, region=region)
        if res is None or not self._settled(name, region, res):
            return None
        return res if res.org.in_register else None

    def _settled(self, name: str, region: str | None, res: Resolution) -> bool:
        """Whether a resolution is a register body or several bodies alike (remembering
        the names a region may settle); False for a new organisation."""
        if res.org.in_register:
            return True
        if res.ambiguous and region is None and len(self._ambiguous) < _CACHE_LIMIT:
            self._ambiguous.add(name)
        return bool(res.ambiguous)

    def _region_may_settle(self, name: str) -> bool:
        """Only a name several register bodies share can be settled by a region; any other
        name resolves the same way whatever the region (so it is not resolved again)."""
        return name in self._ambiguous or len(self._ambiguous) >= _CACHE_LIMIT

    # -- mentions in a sentence ------------------------------------------------------------------
    def find(self, sentence: str, regions: Counter | None = None) -> list[Mention]:
        """The organisations a sentence names, left to right.

        Answers are cached by sentence (a headline is read twice per item): for all regions
        when no name of the sentence is one several bodies share, else with the three
        regions most mentioned so far, the only ones that settle such a name.
        """
        top = tuple(region for region, _ in regions.most_common(3)) if regions else ()
        found = self._found.get((sentence, None))
        if found is None:
            found = self._found.get((sentence, top))
        if found is None:
            self._regional = False  # set by _mention when a region could settle a name
            found = self._find(sentence, top)
            if len(self._found) >= _SENTENCES_KEPT:
                self._found.clear()  # the repeats come within a file: keep the recent ones
            self._found[(sentence, top if self._regional else None)] = found
        return list(found)

    def _find(self, sentence: str, regions: tuple[str, ...]) -> list[Mention]:
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
                low = t.lower()
                if low == "of" and j + 2 < n and toks[j + 1][0] == "the" and _cap(toks[j + 2][0]):
                    j += 2  # "University of the West of England": one name, not two
                    continue
                if _cap(t) or (
                    (low in _INTERNAL or low in _JOINERS)
                    and j + 1 < n
                    and _cap(toks[j + 1][0])
                    and not (
                        low in _NOT_AFTER_DESIGNATOR
                        and _ends_designated(toks, j)
                        and not self._register_name_through(sentence, toks, i, j)
                    )
                ):
                    j += 1
                else:
                    break
            desig, k = self._designator(toks, j)
            out.extend(self._run(sentence, toks, i, j, desig, k, regions))
            i = max(j, k, i + 1)
        return out

    def _register_name_through(self, sentence: str, toks: list[tuple[str, int, int]], i: int,
                               j: int) -> bool:  # fmt: skip
        """Whether the link word at j, after a designator, is inside a register name
        ("Commission on Human Medicines"), not the start of what the body does ("NHS
        Foundation Trust on HR")."""
        start = j
        while start > i and toks[start - 1][0].lower() not in _JOINERS:
            start -= 1
        ends = []
        end = j + 1
        while end < len(toks) and (
            _cap(toks[end][0])
            or (
                (toks[end][0].lower() in _INTERNAL or toks[end][0].lower() in _JOINERS)
                and end + 1 < len(toks)
                and _cap(toks[end + 1][0])
            )
        ):
            if _cap(toks[end][0]):
                ends.append(end)
            end += 1
        for last in reversed(ends):
            res = self.accept(sentence[toks[start][1] : toks[last][2]], registered=True)
            if res is not None and res.org.in_register:
                return True
        return False

    def _designator(self, toks: list[tuple[str, int, int]], j: int) -> tuple[str, int]:
        if j >= len(toks):
            return "", j
        for d, parts in _DESIGNATORS_BY_FIRST.get(toks[j][0].lower(), ()):
            end = j + len(parts)
            if end <= len(toks) and all(
                toks[x][0].lower() == part and not toks[x][0][:1].isupper()
                for x, part in zip(range(j, end), parts, strict=True)
            ):
                return d, end
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
            for d in _PLURALS_BY_LAST.get(toks[last[-1]][0].lower(), ()):
                if tail == d or tail.endswith(" " + d):
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
        span = _Span(sentence, toks, elements, desig, k, regions)
        found: list[Mention] = []
        a = 0
        while a < len(elements):
            hit = None
            head = _head(toks, elements[a])
            for b in range(len(elements) - 1, a - 1, -1):
                m = self._span(span, a, b, elements[a][0])
                if head is not None and (m is None or not m.org.in_register):
                    # "Leaders of West Midlands Fire and Rescue Service": the name after
                    # "of" if the register holds it, or if the words before it are people
                    first, people = head
                    trimmed = self._span(span, a, b, first)
                    if trimmed is not None and (
                        people or (trimmed.org.in_register and trimmed.designated)
                    ):
                        m = trimmed
                if m is not None and not m.org.in_register and len(elements[a]) > 2:
                    # register names only (the pass for others could find none of them)
                    inner = self._inside_pass(sentence, toks, elements[a], regions, True)
                    if inner:
                        m = inner[0]  # "Leader of Swansea Council"
                if m is not None:
                    hit = (m, b)
                    break
            if hit:
                found.append(hit[0])
                a = hit[1] + 1
            else:
                found.extend(self._inside(sentence, toks, elements[a], regions))
                a += 1
        return found

    def _span(self, span: _Span, a: int, b: int, first: int) -> Mention | None:
        """The body elements a..b of a run name from token `first` on (with the designator
        written after the run, when it can belong to them), or None."""
        sentence, toks, elements, desig = span.sentence, span.toks, span.elements, span.desig
        plural = desig.endswith("s") and desig not in ("police", "constabulary")
        singular = desig[:-1] if plural else desig
        start = toks[first][1]
        end = toks[elements[b][-1]][2]
        text = _POSSESSIVE.sub("", sentence[start:end]) if b == a else sentence[start:end]
        with_desig = b == len(elements) - 1 or plural
        cands = []
        if desig and with_desig:
            stop = toks[span.k - 1][2] if b == len(elements) - 1 else end
            cands.append((f"{text} {singular}", True, stop))
        cands.append((text, _designated(text), end))
        for cand, designated, stop in cands:
            # a designator shared out is a guess, and "Kent County Council and Medway
            # Council" is two bodies: register names only
            registered = plural or (b > a and bool(_JOINED.search(_PHRASES.sub(" ", cand.lower()))))
            m = self._mention(sentence, toks, cand, start, stop, designated, span.regions,
                              first=first, last=elements[b][-1], registered=registered)  # fmt: skip
            if m is not None and registered and not m.org.in_register:
                m = None
            if m is not None:
                return m
        return None

    def _inside(self, sentence, toks, element: list[int], regions) -> list[Mention]:
        """A designated name inside a longer run ("Leader of Swansea Council Rob Stewart")."""
        for register_only in (True, False):
            out = self._inside_pass(sentence, toks, element, regions, register_only)
            if out:
                return out
        return []

    def _inside_pass(self, sentence, toks, element, regions, register_only) -> list[Mention]:
        if not any(toks[x][0].lower() in _DESIGNATOR_WORDS for x in element):
            return []  # a name inside ends with a designator word
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

    def _mention(self, sentence, toks, text, start, end, designated, regions, *, first, last,
                 registered=False):  # fmt: skip
        """The mention a candidate name is, or None; `registered`: only a register body
        could count (the caller drops any other)."""
        text = text.strip(" ,;:")
        # without a space the "...shire" retry below depends on a new organisation's
        # answer being None, so such a name is resolved in full
        registered = registered and " " in text
        res = self.accept(text, registered=registered)
        conf = 1.0
        if res is None and self._region_may_settle(text):
            self._regional = True
            for region in regions:
                res = self.accept(text, region, registered=registered)
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


_DEFAULT_FINDERS = threading.local()  # .finder: the thread's OrgFinder.default()


def _ends_designated(toks: list[tuple[str, int, int]], j: int) -> bool:
    """Whether the word before token j is a designator ("Trust", "Council", "Police")."""
    return j > 0 and toks[j - 1][0].lower().replace(".", "") in _DESIGNATOR_WORDS


def _designated(text: str) -> bool:
    words = text.lower().replace(".", "").split()
    return bool(words) and (words[-1] in _DESIGNATOR_WORDS or words[0] in ("university",))
