"""Organisation name resolution against the authority register (data/register).

Every importer hands names to one `Resolver`, so "Rhondda Cynon Taf County Borough Council",
"Rhondda Cynon Taff" and "RCT" become one IRI (`la/RCT`) whichever source said them. The
rules favour a missed match over a wrong one: distinct bodies are never merged, a name that
fits several bodies equally is left unresolved with the candidates listed, and a name that
is merely *close* to a register name ("Cardif Council") becomes a new organisation with a
`near_miss` pointer for a person to check, never a silent merge.

Order of attempts: code -> short forms table -> exact / alias / core name (then the same
with county abbreviations expanded) -> unique whole-token prefix of a council's name ->
an unknown organisation typed by the form of its name. Matching keys come from
`kgraph.names` (shared with scripts/build_register.py).
"""

from __future__ import annotations

import bisect
import copy
import csv
import dataclasses
import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgraph import names
from kgraph.names import (
    FAMILIES,
    FAMILY_OF_KIND,
    PREFIX_STOP,
    clean,
    core,
    designated_subtypes,
    expand_abbreviations,
    family_hint,
    norm,
    pattern_kind,
    region_fits,
)

__all__ = ["Organisation", "Resolution", "Resolver", "is_generic"]

_GSS = re.compile(r"[ENSWK]\d{8}")
_NOT_CACHED = object()
_NEAR_CUTOFF = 0.88
# Unknown kinds worth a near-miss search: a company or a university is not a misspelt council.
_NEAR_KINDS = frozenset(FAMILY_OF_KIND) | {"unknown", "other-public-body"}


@dataclass(frozen=True)
class Organisation:
    """A body as the register (or, for `in_register=False`, a source) knows it.

    `id` is the stable part of its IRI (`kgraph.vocab.org_iri`); unknown names get
    "name/<slug of the normalised name>" so that every source spelling agrees on one IRI.
    """

    id: str  # e.g. "la/RCT", "police/avon-and-somerset", "name/capita" for unknowns
    name: str  # official or cleaned name
    kind: str  # see kgraph.names.FAMILY_OF_KIND, plus university, college, company, ...
    subtype: str = ""
    short_name: str = ""
    welsh_name: str = ""
    aliases: tuple[str, ...] = ()
    gss: str = ""
    former_gss: tuple[str, ...] = ()
    register_code: str = ""
    start: str = ""  # ISO date or ""
    end: str = ""
    replaced_by: tuple[str, ...] = ()
    nation: str = ""
    region: str = ""
    in_register: bool = True

    def active(self, when: dt.date) -> bool:
        """Whether the body existed on `when` (blank start/end = open-ended)."""
        day = when.isoformat()
        return (not self.start or self.start <= day) and (not self.end or day <= self.end)

    def label(self) -> str:
        """Name with its code, for notes: "City of Cardiff Council (W06000015)"."""
        code = self.gss or self.register_code
        return f"{self.name} ({code})" if code else self.name


@dataclass(frozen=True)
class Resolution:
    """What a name resolved to and how sure that is: the importer records all of it."""

    query: str  # the name as given
    org: Organisation  # the register org, or a new Organisation(in_register=False)
    status: str  # "code", "exact", "alias", "short-form", "pattern", "unknown"
    near_miss: Organisation | None = None  # a register body the name resembles; NEVER merged
    ambiguous: tuple[Organisation, ...] = ()  # bodies the name could equally mean
    note: str = ""  # one human sentence for the review list


_LIST_FIELDS = ("aliases", "former_gss", "replaced_by")


def _org_from_row(row: dict[str, str]) -> Organisation:
    values: dict[str, object] = {k: (v or "").strip() for k, v in row.items() if k}
    for key in _LIST_FIELDS:
        values[key] = tuple(v for v in str(values.get(key, "")).split("|") if v)
    return Organisation(**values)  # type: ignore[arg-type]


class Resolver:
    """Resolves organisation names to register bodies; build once, reuse (results cached).

    Indexes: exact normalised names and aliases; "cores" (names without designators) per
    kind family; whole-token prefixes of council names; codes (GSS, former GSS, register).
    """

    def __init__(self, orgs: Iterable[Organisation], short_forms: dict[str, str] | None = None):
        self._start()
        for org in orgs:
            self._add(org)
        short = {norm(k): v for k, v in (short_forms or {}).items() if v in self._orgs}
        self._finish(short)

    def _start(self) -> None:
        self._orgs: dict[str, Organisation] = {}
        self._codes: dict[str, Organisation] = {}
        # key -> {org id: matched an official name (name/short/welsh) rather than an alias}
        self._exact: dict[str, dict[str, bool]] = {}
        self._cores: dict[tuple[str, str], dict[str, None]] = {}
        self._prefix: dict[str, dict[str, None]] = {}
        self._cache: dict[tuple, Resolution | tuple[dict[str, bool], str, tuple[str, ...]]] = {}
        self._near_cache: dict[tuple[str, str | None], Organisation | None] = {}
        self._generic: dict[str, bool] = {}  # name -> is_generic (asked for every mention)
        # a view's (without_near_misses) source's cache, which it reads and adds to
        self._shared = self._cache
        self._near_indexes: dict[str, _NearIndex] = {}

    def _finish(self, short: dict[str, str]) -> None:
        """The indexes that follow from the bodies and the name indexes; `short`: normalised
        short form -> body id."""
        for org in sorted(self._orgs.values(), key=lambda o: o.kind not in FAMILIES["council"]):
            for code in (org.register_code, org.gss, *org.former_gss):  # councils win clashes
                if code:
                    self._codes.setdefault(code, org)
                    self._codes.setdefault(code.upper(), org)
        self._short = {k: self._orgs[v] for k, v in short.items()}
        self._near: dict[str, list[str]] = {}
        for fam, key in self._cores:
            self._near.setdefault(fam, []).append(key)

    def index_state(self) -> dict[str, Any]:
        """The bodies and the name indexes built from them, as JSON values: normalising
        every name is most of building a resolver (`from_index_state` reads them back)."""
        fields = [f.name for f in dataclasses.fields(Organisation)]
        return {
            "fields": fields,
            "orgs": [[getattr(o, f) for f in fields] for o in self._orgs.values()],
            "exact": self._exact,
            "cores": {f"{fam}\t{c}": ids for (fam, c), ids in self._cores.items()},
            "prefix": self._prefix,
            "short": {k: o.id for k, o in self._short.items()},
        }

    @classmethod
    def from_index_state(cls, state: dict[str, Any]) -> Resolver:
        """The resolver `index_state` was taken from, as it was before its first lookup.
        `state` is taken over, not copied (as json.load returns it)."""
        self = cls.__new__(cls)
        self._start()
        fields = [f.name for f in dataclasses.fields(Organisation)]
        if state["fields"] != fields:
            raise ValueError("saved by another version of Organisation")
        lists = [i for i, f in enumerate(fields) if f in _LIST_FIELDS]
        for row in state["orgs"]:
            for i in lists:
                row[i] = tuple(row[i])
            org = Organisation(*row)
            self._orgs[org.id] = org
        self._exact = state["exact"]
        self._cores = {tuple(k.split("\t", 1)): ids for k, ids in state["cores"].items()}  # type: ignore[misc]
        self._prefix = state["prefix"]
        self._finish(state["short"])
        return self

    def _add(self, org: Organisation) -> None:
        self._orgs[org.id] = org
        fam = FAMILY_OF_KIND.get(org.kind, "gov")
        strip = "combined" if org.kind == "combined-authority" else fam
        official = [n for n in (org.name, org.short_name, org.welsh_name) if n]
        for text, is_official in [(n, True) for n in official] + [(a, False) for a in org.aliases]:
            n = norm(text)
            c = core(n, strip)
            # "Lincolnshire" names the county council, not Lincolnshire Police: bare area
            # names of police and fire bodies count only when the query says police/fire.
            if n and not (fam in ("police", "fire") and c == n):
                slot = self._exact.setdefault(n, {})
                slot[org.id] = slot.get(org.id, False) or is_official
            if c:
                self._cores.setdefault((fam, c), {})[org.id] = None
            if fam == "council" and is_official and c:
                toks = c.split()
                for i in range(1, len(toks)):
                    self._prefix.setdefault(" ".join(toks[:i]), {})[org.id] = None

    # --- construction ------------------------------------------------------------------

    @classmethod
    def default(cls) -> Resolver:
        """The register shipped with kgraph (data/register), loaded once per process."""
        return _default_resolver()

    @classmethod
    def from_csv(cls, path: str | Path, short_forms: str | Path | None = None) -> Resolver:
        """Load organisations.csv; short_forms.csv beside it is used unless one is given."""
        path = Path(path)
        with path.open(encoding="utf-8", newline="") as fh:
            orgs = [_org_from_row(r) for r in csv.DictReader(fh)]
        sf_path = Path(short_forms) if short_forms else path.with_name("short_forms.csv")
        table: dict[str, str] = {}
        if sf_path.is_file():
            with sf_path.open(encoding="utf-8", newline="") as fh:
                table = {r["name"]: r["id"] for r in csv.DictReader(fh) if r.get("name")}
        return cls(orgs, table)

    def without_near_misses(self) -> Resolver:
        """The same register, resolving unknown names without the search for a close
        register name (the dearest step of resolving one). For callers that only ask whether
        a name is a body, such as the news finder trying every run of capitalised words in a
        sentence. It shares this resolver's cache for the answers the search cannot change
        (so an answer may carry a near miss this resolver had already found)."""
        view = copy.copy(self)
        view._cache = {}
        view._shared = self._cache  # answers that no near-miss search makes are the same
        view._near_miss = _no_near_miss  # type: ignore[method-assign]
        return view

    # --- lookups -------------------------------------------------------------------------

    def get(self, org_id: str) -> Organisation | None:
        return self._orgs.get(org_id)

    def by_code(self, code: str) -> Organisation | None:
        """A GSS code (current or former) or register code ("W06000016", "RCT", "E23000020")."""
        code = (code or "").strip()
        return self._codes.get(code) or self._codes.get(code.upper()) if code else None

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._orgs.values())

    def __len__(self) -> int:
        return len(self._orgs)

    def is_generic(self, name: str) -> bool:
        """A mention naming no one body ("the council", "local councils", "the police").

        Words alone decide (`kgraph.names.is_generic`), except that a register name made of
        such words ("Welsh Government", "Metropolitan Police") is not generic.
        """
        found = self._generic.get(name)
        if found is None:
            n = norm(clean(name))
            found = names.is_generic(name) and n not in self._exact and n not in self._short
            if len(self._generic) < 200_000:
                self._generic[name] = found
        return found

    # --- resolution ----------------------------------------------------------------------

    def resolve(
        self,
        name: str,
        *,
        code: str | None = None,
        when: dt.date | None = None,
        region: str | None = None,
    ) -> Resolution:
        """Resolve a name as a source wrote it; `code`, `when`, `region` only narrow.

        Raises ValueError for an empty name (a record without a name is the importer's
        reject, not an organisation).
        """
        if not isinstance(name, str):
            raise ValueError("empty organisation name")
        # the name's candidates do not depend on the date or region (only the choice
        # among several does), so they are memoised apart: a source repeats a name on
        # many rows, each with its own date (an empty name is never memoised)
        key = (name, code)
        found = self._cache.get(key) or self._shared.get(key)
        if found is None:
            if not clean(name):
                raise ValueError("empty organisation name")
            found = self._candidates(name, code)
            if len(self._cache) < 200_000:
                self._cache[key] = found
            shared = self._shared
            if shared is not self._cache and len(shared) < 200_000 and _near_miss_free(found):
                shared[key] = found
        if isinstance(found, Resolution):
            return found
        candidates, status, subtypes = found
        return self._decide(name, candidates, status, when, region, subtypes)

    def resolve_registered(self, name: str, *, region: str | None = None) -> Resolution | None:
        """`resolve(name, region=region)` when that is a register body or a choice left
        open between several (`ambiguous`); None when it would be a new organisation, which
        is not made. For callers that try many candidate names and keep register bodies
        only: an unknown name's typing and IRI are the dear part of resolving it."""
        if not isinstance(name, str):
            return None
        found = self._cache.get((name, None)) or self._shared.get((name, None))
        if found is None:
            key = (name, None, "registered")
            found = self._cache.get(key, _NOT_CACHED)
            if found is _NOT_CACHED:
                if not clean(name):
                    return None
                found = self._candidates(name, None, new=False)
                if len(self._cache) < 200_000:
                    self._cache[key] = found
            if found is None:
                return None
        if isinstance(found, Resolution):
            return found if found.org.in_register or found.ambiguous else None
        candidates, status, subtypes = found
        return self._decide(name, candidates, status, None, region, subtypes)

    def _candidates(
        self, name: str, code: str | None, *, new: bool = True
    ) -> Resolution | tuple[dict[str, bool], str, tuple[str, ...]] | None:
        """A Resolution when date and region cannot change it, else what `_decide` needs;
        None instead of a new organisation when `new` is false."""
        org = self.by_code(code) if code else None
        text = clean(name)
        if org is None and _GSS.fullmatch(text.upper()):
            org = self.by_code(text)
        if org is not None:
            return Resolution(name, org, "code")
        n = norm(text)
        if self.is_generic(text):
            if not new:
                return None
            note = "generic mention: names no one organisation"
            return Resolution(name, self._new(text, "unknown", ""), "unknown", note=note)
        hint = family_hint(n)
        if hint == "pcc":  # a commissioner is a body of its own, not the force
            return self._unknown(name, text, n, None) if new else None
        if n in self._short:
            return Resolution(name, self._short[n], "short-form")
        expanded = expand_abbreviations(n)
        for variant in (n, expanded) if expanded != n else (n,):
            found = self._by_name(variant, hint)
            if found:
                status = "short-form" if variant != n else ""
                return self._settled(name, found, status, designated_subtypes(n))
        if hint is None:
            for variant in (n, expanded) if expanded != n else (n,):
                found = self._by_prefix(variant)
                if found:
                    return self._settled(name, found, "short-form", ())
        return self._unknown(name, text, n, hint) if new else None

    def _settled(
        self, name: str, found: dict[str, bool], status: str, subtypes: tuple[str, ...]
    ) -> Resolution | tuple[dict[str, bool], str, tuple[str, ...]]:
        """One candidate is the answer for any date and region; several wait for them."""
        if len(found) == 1:
            return self._decide(name, found, status, None, None, subtypes)
        return found, status, subtypes

    def _by_name(self, n: str, hint: str | None) -> dict[str, bool]:
        """Candidate ids -> matched an official name, by exact key then by core."""
        kinds = FAMILIES[hint] if hint else FAMILIES["council"]
        exact = self._exact.get(n, {})
        if exact:
            mine = {i: o for i, o in exact.items() if self._orgs[i].kind in kinds}
            found = mine or dict(exact)  # an exact full name beats the kind words
            if hint is None and core(n) == n:  # a bare place name: every body of that place
                for i in self._cores.get(("council", n), {}):
                    found.setdefault(i, False)
            return found
        strip = hint or "council"
        c = core(n, strip)
        ids = self._cores.get((FAMILY_OF_KIND[kinds[0]], c), {}) if c else {}
        return {i: False for i in ids if self._orgs[i].kind in kinds}

    def _by_prefix(self, n: str) -> dict[str, bool]:
        """A whole-token prefix of one council's name: "Merthyr" -> Merthyr Tydfil."""
        c = core(n)
        if not c or all(tok in PREFIX_STOP for tok in c.split()):
            return {}
        return {i: False for i in self._prefix.get(c, {})}

    def _decide(
        self,
        query: str,
        found: dict[str, bool],
        status: str,
        when: dt.date | None,
        region: str | None,
        subtypes: tuple[str, ...],
    ) -> Resolution:
        """Pick one body from candidates by region, designator, date, then currency."""
        cands = [self._orgs[i] for i in found]
        pool = cands
        for keep in (
            (lambda o: region_fits(o.region, o.nation, region)) if region else None,
            (lambda o: o.subtype in subtypes) if subtypes else None,
            (lambda o: o.active(when)) if when else None,
        ):
            if keep is not None and len(pool) > 1:
                pool = [o for o in pool if keep(o)] or pool
        others: tuple[Organisation, ...] = ()
        note = ""
        if len(pool) > 1 and when is None:
            current = [o for o in pool if not o.end]
            if len(current) == 1:
                others = tuple(o for o in pool if o is not current[0])
                note = (
                    f"{query!r} could also mean "
                    + "; ".join(f"{o.label()}, until {o.end}" for o in others)
                    + ": chose the current body"
                )
                pool = current
        if len(pool) > 1:
            text = clean(query)
            names = " or ".join(o.label() for o in pool[:5])
            note = f"ambiguous: {text!r} could be {names}; give a code, region or fuller name"
            org = self._new(text, *pattern_kind(norm(text)))
            return Resolution(query, org, "unknown", ambiguous=tuple(pool), note=note)
        org = pool[0]
        status = status or ("exact" if found[org.id] else "alias")
        return Resolution(query, org, status, ambiguous=others, note=note)

    # --- unknown names -------------------------------------------------------------------

    def _new(self, text: str, kind: str, subtype: str) -> Organisation:
        from kgraph.vocab import slug  # deferred: rdflib is heavy and only needed here

        return Organisation(
            # a name with no Latin letters or digits has an empty norm: key it by its
            # case-folded words, so case and space variants still share one IRI
            id="name/" + slug(norm(text) or " ".join(text.casefold().split())),
            name=text,
            kind=kind,
            subtype=subtype,
            in_register=False,
        )

    def _unknown(self, query: str, text: str, n: str, hint: str | None) -> Resolution:
        kind, subtype = pattern_kind(n)
        org = self._new(text, kind, subtype)
        status = "pattern" if kind != "unknown" else "unknown"
        near = self._near_miss(n, hint) if kind in _NEAR_KINDS else None
        note = f"near miss: did you mean {near.label()}?" if near else ""
        return Resolution(query, org, status, near_miss=near, note=note)

    def _near_miss(self, n: str, hint: str | None) -> Organisation | None:
        """The register body whose core is closest (ratio >= 0.88) to this name's core.

        Memoised per normalised name: the search costs ~0.3 ms and a source repeats the same
        unknown name on many rows with different dates (which the resolve cache keys on).
        """
        key = (n, hint)
        if key not in self._near_cache:
            self._near_cache[key] = self._search_near_miss(n, hint)
        return self._near_cache[key]

    def _near_index(self, fam: str) -> _NearIndex:
        found = self._near_indexes.get(fam)
        if found is None:
            found = self._near_indexes[fam] = _NearIndex(self._near.get(fam, []))
        return found

    def _search_near_miss(self, n: str, hint: str | None) -> Organisation | None:
        if hint in (None, "pcc", "combined"):
            fam, kinds = "council", FAMILIES["council"]
        else:
            fam, kinds = hint, FAMILIES[hint]
        best: tuple[float, str] | None = None
        index = self._near_index(fam)
        for word in {core(n, fam), core(n), n}:
            if len(word) < 5:
                continue
            for key in index.close_matches(word):
                ratio = difflib.SequenceMatcher(None, word, key).ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, key)
        if best is None:
            return None
        orgs = [self._orgs[i] for i in self._cores[(fam, best[1])]]
        orgs = [o for o in orgs if o.kind in kinds] or orgs
        return sorted(orgs, key=lambda o: (bool(o.end), o.id))[0]


def _no_near_miss(n: str, hint: str | None) -> None:
    return None


def _near_miss_free(found: object) -> bool:
    """Whether an answer is the same with and without the search for a near miss (which
    only a new organisation of a kind in _NEAR_KINDS gets)."""
    return not (
        isinstance(found, Resolution)
        and not found.org.in_register
        and not found.ambiguous
        and found.org.kind in _NEAR_KINDS
    )


class _NearIndex:
    """`difflib.get_close_matches(word, keys within 22% of its length, n=1, cutoff=0.88)`,
    with difflib's character-count bound (quick_ratio) checked before the exact ratio.

    The register has thousands of cores and a large source tens of thousands of unknown
    names; difflib's own loop spent most of a 200k-partnership import there. The answer is
    the same: only keys passing the bound are compared exactly, in difflib's way. The first
    NUMPY_AFTER searches compute the bound key by key in Python (about 0.5 ms a search);
    later ones for every key at once with numpy, whose import alone (~0.09 s, and OpenBLAS
    threads starting) costs more than a small import's searches take.
    """

    NUMPY_AFTER = 250  # ~0.3 ms more a search in Python: the import pays off after ~280

    def __init__(self, keys: list[str]) -> None:
        self.keys = list(keys)
        self._searches = 0
        # (row, length, nonzero character counts) by length, and the lengths alone
        self._sparse: list[tuple[int, int, list[tuple[int, int]]]] | None = None
        self._lengths: list[int] = []
        self._dense: tuple[Any, Any] | None = None  # numpy: lengths, counts

    def close_matches(self, word: str) -> list[str]:
        if not self.keys:
            return []
        self._searches += 1
        rows = self._fits_numpy(word) if self._searches > self.NUMPY_AFTER else self._fits(word)
        scored = []
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        for row in rows:
            key = self.keys[row]
            matcher.set_seq1(key)
            if matcher.ratio() >= _NEAR_CUTOFF:
                scored.append((matcher.ratio(), key))
        return [max(scored)[1]] if scored else []

    def _fits(self, word: str) -> list[int]:
        """The rows whose length and character-count bound admit `word`, in Python: only
        the keys within the length bounds are looked at (kept sorted by length)."""
        if self._sparse is None:
            by_length = sorted(range(len(self.keys)), key=lambda row: len(self.keys[row]))
            self._lengths = [len(self.keys[row]) for row in by_length]
            self._sparse = [
                (row, len(k), [(slot, n) for slot, n in enumerate(_char_counts(k)) if n])
                for row, k in ((row, self.keys[row]) for row in by_length)
            ]
        size = len(word)
        first = bisect.bisect_left(self._lengths, size * 0.78)
        last = bisect.bisect_right(self._lengths, size / 0.78)
        counts = _char_counts(word)
        rows = []
        for row, length, pairs in self._sparse[first:last]:
            shared = 0
            for slot, n in pairs:
                shared += n if n < counts[slot] else counts[slot]
            if 2.0 * shared / (length + size) >= _NEAR_CUTOFF:
                rows.append(row)
        rows.sort()
        return rows

    def _fits_numpy(self, word: str) -> list[int]:
        """The same rows, the bound computed for every key at once."""
        import numpy as np

        if self._dense is None:
            counts = np.zeros((len(self.keys), len(_ALPHABET) + 1), dtype=np.int32)
            for row, key in enumerate(self.keys):
                counts[row] = _char_counts(key)
            self._dense = (np.array([len(k) for k in self.keys], dtype=np.float64), counts)
        lengths, counts = self._dense
        size = len(word)
        shared = np.minimum(counts, _char_counts(word)).sum(axis=1)
        bound = 2.0 * shared / (lengths + size)
        fits = (lengths >= size * 0.78) & (lengths <= size / 0.78) & (bound >= _NEAR_CUTOFF)
        return np.flatnonzero(fits).tolist()


_ALPHABET = {ch: i for i, ch in enumerate("abcdefghijklmnopqrstuvwxyz0123456789 ")}


def _char_counts(text: str) -> list[int]:
    """Letters, digits and space counted apart; anything else in one last slot."""
    out = [0] * (len(_ALPHABET) + 1)
    other = len(_ALPHABET)
    for ch in text:
        out[_ALPHABET.get(ch, other)] += 1
    return out


def is_generic(name: str) -> bool:
    """True for "the council", "local councils", "the police": not an organisation's name."""
    return Resolver.default().is_generic(name)


@functools.lru_cache(maxsize=1)
def _default_resolver() -> Resolver:
    """Built once per process, and kept between processes (kgraph.register_cache)."""
    from kgraph.register_cache import load_state, save_state

    path = register_path()
    # what the built resolver depends on: the register, and the code that indexes it
    inputs = [path, path.with_name("short_forms.csv"), Path(__file__), Path(names.__file__)]
    state = load_state(inputs)
    if state is not None:
        try:
            return Resolver.from_index_state(state)
        except (KeyError, TypeError, ValueError, AttributeError):  # not of this kgraph's shape
            pass
    resolver = Resolver.from_csv(path)
    save_state(inputs, resolver.index_state())
    return resolver


def register_path() -> Path:
    """The packaged register (kgraph.data), or the checkout's data/ before packaging."""
    try:
        from importlib.resources import files

        res = files("kgraph.data") / "register" / "organisations.csv"
        if res.is_file():
            return Path(str(res))
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[1] / "data" / "register" / "organisations.csv"
