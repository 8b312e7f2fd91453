"""Answer scales: the options a question allows, their direction, and reading an answer.

A scale has a kind (``kgraph.records.SCALE_KINDS``):

* ``likert``: ordered labels, each with a position (positive / neutral / negative, or none for
  "Don't know") and optionally a value (5 for "Strongly agree");
* ``yes-no``: the same with Yes / No (and Partly, Don't know);
* ``choice``: unordered labels, positions optional;
* ``number``: any number, optionally between ``min`` and ``max``;
* ``text``: anything (free text is never outside its scale).

Answers are matched to labels forgivingly: case, accents, punctuation, "&", curly
apostrophes, a leading or trailing code ("5 - Strongly agree", "Agree (4)") and the aliases
of each option ("Tend to agree" is "Agree"). `BUILTIN` holds the scales recognised without
a questionnaire definition; `fit` finds the one a column of answers uses.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kgraph.records import SCALE_KINDS, SCALE_POSITIONS

# Cells that mean "no answer": skipped, never an observation and never a reject, unless the
# scale itself has such an option ("N/A" as "Not applicable").
MISSING = frozenset(
    {"", "na", "n a", "nan", "null", "none", "missing", "blank", "no answer", "no response",
     "not answered", "skipped", "-", "--", ".", "?", "#n/a"}
)  # fmt: skip
MEMO_LENGTH = 200  # answers up to this long are memoised: labels, not free text
_CODE_BEFORE = re.compile(r"^\(?\d{1,2}\)?\s*(?:[-.:)=]|\s)\s*(?=\D)")
_CODE_AFTER = re.compile(r"(?<=\D)\s*(?:\(\s*\d{1,2}\s*\)|[-=:]\s*\d{1,2})$")


def norm(text: object) -> str:
    """An answer or label as a matching key: lower-case ASCII words, "&" read as "and"."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("\u2019", "'")
    t = re.sub(r"\b(do|can|could|would|is|are|have|did)n'?t\b", r"\1 not", t)
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def _stripped(text: str) -> str:
    """The answer without a numeric code before or after its label."""
    t = " ".join(str(text).split())
    t2 = _CODE_AFTER.sub("", _CODE_BEFORE.sub("", t))
    return t2 if t2.strip() else t


@functools.lru_cache(maxsize=1 << 16)
def _keys_of(text: str) -> tuple[str, str]:
    """`norm` of an answer as written and without its code: answers repeat down a column
    and are tried against every scale, and normalising them was most of a survey's import."""
    return norm(text), norm(_stripped(text))


def answer_keys(text: object) -> tuple[str, str]:
    """The keys an answer is matched by, memoised for short text (free text rarely repeats
    and would fill the cache; 1, 1.0 and True would share an entry)."""
    if type(text) is str and len(text) <= MEMO_LENGTH:
        return _keys_of(text)
    return norm(text), norm(_stripped(str(text)))


def is_missing(text: str) -> bool:
    return answer_keys(text)[0] in MISSING or str(text).strip() in MISSING


def to_number(text: object) -> Decimal | None:
    """A number from a cell ("4", "4.0", "66.7%", "1,234"), else None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float | Decimal):
        try:
            return Decimal(str(text))
        except InvalidOperation:
            return None
    t = str(text).strip().replace(",", "")
    if t.endswith("%"):
        t = t[:-1].strip()
    if not re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?", t):
        return None
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class Option:
    label: str
    position: str | None = None  # one of SCALE_POSITIONS, or None
    value: Decimal | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """An answer as its scale reads it."""

    label: str | None  # the option, for labelled scales
    position: str | None
    value: Decimal | None


class OutsideScale(ValueError):
    """An answer the question's scale does not allow; the message says which are allowed."""


@dataclass(frozen=True)
class Scale:
    name: str
    kind: str
    options: tuple[Option, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    _keys: dict[str, Option] = field(default_factory=dict, init=False, compare=False, repr=False)
    # options whose label is their number ("1".."5"): an answer "4.0" still names them
    _numbered: list[Option] = field(default_factory=list, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in SCALE_KINDS:
            raise ValueError(f"scale kind must be one of {', '.join(SCALE_KINDS)}: {self.kind!r}")
        for opt in self.options:
            if opt.position is not None and opt.position not in SCALE_POSITIONS:
                raise ValueError(
                    f"option {opt.label!r}: position must be one of "
                    f"{', '.join(SCALE_POSITIONS)} (or left out): {opt.position!r}"
                )
            for text in (opt.label, *opt.aliases):
                for key in (norm(text), norm(_stripped(text))):
                    if key:
                        self._keys.setdefault(key, opt)
            if opt.value is not None and to_number(opt.label) is not None:  # "0" too
                self._numbered.append(opt)

    @property
    def labelled(self) -> bool:
        return self.kind in ("likert", "yes-no", "choice")

    def option(self, answer: str) -> Option | None:
        """The option an answer names, or None."""
        for key in answer_keys(answer):
            opt = self._keys.get(key)
            if opt is not None:
                return opt
        # a numbered scale ("1".."5") answered as "4.0"
        if self._numbered:
            number = to_number(answer)
            if number is not None:
                for opt in self._numbered:
                    if opt.value == number:
                        return opt
        return None

    def read(self, answer: str) -> Reading:
        """Read one (non-missing) answer; OutsideScale if the scale does not allow it."""
        if self.kind == "text":
            return Reading(None, None, None)
        if self.kind == "number":
            number = to_number(answer)
            if number is None:
                raise OutsideScale(f"{answer!r} is not a number")
            low, high = self.minimum, self.maximum
            if (low is not None and number < low) or (high is not None and number > high):
                raise OutsideScale(f"{answer!r} is outside {self.range_text()}")
            return Reading(None, None, number)
        opt = self.option(answer)
        if opt is None:
            raise OutsideScale(f"{answer!r} is not on the scale '{self.name}' ({self.allowed()})")
        return Reading(opt.label, opt.position, opt.value)

    def allowed(self, limit: int = 8) -> str:
        labels = [o.label for o in self.options]
        more = f", ... ({len(labels) - limit} more)" if len(labels) > limit else ""
        return ", ".join(labels[:limit]) + more

    def range_text(self) -> str:
        low = "" if self.minimum is None else f"{self.minimum}"
        high = "" if self.maximum is None else f"{self.maximum}"
        return f"the range {low}..{high}"


def options(*spec: tuple) -> tuple[Option, ...]:
    """Options from (label, position, value, aliases...) tuples."""
    out = []
    for label, position, value, *aliases in spec:
        out.append(
            Option(label, position, None if value is None else Decimal(value), tuple(aliases))
        )
    return tuple(out)


_DK = (
    "Don't know", None, None, "do not know", "dont know", "not sure", "unsure", "cannot say",
    "can't say", "prefer not to say", "not applicable", "no view",
)  # fmt: skip
P, U, N = "positive", "neutral", "negative"

# The scales recognised without a definition, most common first (a tie in `fit` goes to the
# earlier one). Values run from the most negative option up.
BUILTIN: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("agreement", "likert", options(
            ("Strongly agree", P, 5, "agree strongly", "completely agree", "totally agree",
             "fully agree", "strongly agreed"),
            ("Agree", P, 4, "tend to agree", "somewhat agree", "mostly agree", "slightly agree",
             "agree somewhat", "agree slightly", "agreed", "generally agree", "mainly agree"),
            ("Neither agree nor disagree", U, 3, "neither agree or disagree", "neither",
             "neutral", "neither agree disagree", "agree nor disagree",
             "neither agree not disagree"),
            ("Disagree", N, 2, "tend to disagree", "somewhat disagree", "mostly disagree",
             "slightly disagree", "disagree somewhat", "disagree slightly", "disagreed"),
            ("Strongly disagree", N, 1, "disagree strongly", "completely disagree",
             "totally disagree", "strongly disagreed"),
            _DK,
        )),
        Scale("yes-no", "yes-no", options(
            ("Yes", P, 1, "y", "yes definitely", "definitely", "yes significantly",
             "yes to a great extent", "yes very much", "yes completely", "yes a lot"),
            ("Partly", U, None, "partially", "to some extent", "somewhat", "in part",
             "yes partly", "yes to some extent", "yes partially", "yes somewhat", "a little",
             "some", "mixed", "yes and no", "to a limited extent"),
            ("No", N, 0, "n", "no not at all", "not at all", "definitely not", "no never"),
            _DK,
        )),
        Scale("improvement", "likert", options(
            ("Much improved", P, 5, "significantly improved", "greatly improved",
             "much better", "improved a lot", "improved significantly", "major improvement",
             "significant improvement", "improved greatly", "a lot better"),
            ("Improved", P, 4, "better", "slightly improved", "somewhat improved",
             "improved slightly", "improved somewhat", "some improvement", "slightly better",
             "a little better", "improvement", "minor improvement", "improved a little"),
            ("No change", U, 3, "stayed the same", "about the same", "unchanged", "same",
             "no difference", "remained the same", "neither better nor worse",
             "no real change", "the same", "no improvement"),
            ("Worse", N, 2, "slightly worse", "somewhat worse", "deteriorated", "declined",
             "got worse", "worsened", "a little worse", "deteriorated slightly"),
            ("Much worse", N, 1, "significantly worse", "a lot worse", "greatly deteriorated",
             "deteriorated significantly", "much deteriorated"),
            _DK,
        )),
        Scale("direction", "likert", options(
            ("Very positive", P, 5, "strongly positive", "extremely positive"),
            ("Positive", P, 4, "mostly positive", "fairly positive", "favourable",
             "favorable", "largely positive", "somewhat positive"),
            ("Neutral", U, 3, "mixed", "neither positive nor negative", "neither",
             "balanced", "indifferent"),
            ("Negative", N, 2, "mostly negative", "fairly negative", "unfavourable",
             "unfavorable", "largely negative", "somewhat negative"),
            ("Very negative", N, 1, "strongly negative", "extremely negative"),
            _DK,
        )),
        Scale("satisfaction", "likert", options(
            ("Very satisfied", P, 5, "extremely satisfied", "completely satisfied"),
            ("Satisfied", P, 4, "fairly satisfied", "quite satisfied", "somewhat satisfied",
             "mostly satisfied"),
            ("Neither satisfied nor dissatisfied", U, 3, "neither satisfied or dissatisfied",
             "neither", "neutral"),
            ("Dissatisfied", N, 2, "fairly dissatisfied", "somewhat dissatisfied",
             "unsatisfied", "not satisfied", "quite dissatisfied"),
            ("Very dissatisfied", N, 1, "extremely dissatisfied", "completely dissatisfied",
             "very unsatisfied"),
            _DK,
        )),
        Scale("effectiveness", "likert", options(
            ("Very effective", P, 5, "highly effective", "extremely effective"),
            ("Effective", P, 4, "fairly effective", "quite effective", "mostly effective",
             "somewhat effective", "reasonably effective"),
            ("Neither effective nor ineffective", U, 3, "partly effective",
             "neither effective or ineffective", "neither", "neutral"),
            ("Not very effective", N, 2, "ineffective", "not effective", "fairly ineffective",
             "slightly effective"),
            ("Not at all effective", N, 1, "very ineffective", "completely ineffective",
             "totally ineffective"),
            _DK,
        )),
        Scale("quality", "likert", options(
            ("Excellent", P, 6, "outstanding"),
            ("Very good", P, 5),
            ("Good", P, 4),
            ("Fair", U, 3, "average", "adequate", "ok", "okay", "satisfactory", "acceptable",
             "reasonable"),
            ("Poor", N, 2, "bad", "inadequate", "unsatisfactory"),
            ("Very poor", N, 1, "very bad", "terrible", "awful"),
            _DK,
        )),
        Scale("importance", "likert", options(
            ("Very important", P, 5, "extremely important", "essential", "critical", "vital",
             "highly important"),
            ("Important", P, 4, "fairly important", "quite important", "moderately important",
             "somewhat important"),
            ("Neither important nor unimportant", U, 3, "neither", "neutral"),
            ("Not very important", N, 2, "slightly important", "of little importance",
             "unimportant", "low importance"),
            ("Not at all important", N, 1, "not important", "not important at all",
             "very unimportant"),
            _DK,
        )),
        Scale("frequency", "likert", options(
            ("Always", P, 5, "all the time", "all of the time"),
            ("Often", P, 4, "frequently", "very often", "most of the time", "usually",
             "regularly"),
            ("Sometimes", U, 3, "some of the time", "occasionally"),
            ("Rarely", N, 2, "seldom", "hardly ever", "rarely or never", "infrequently"),
            ("Never", N, 1),
            _DK,
        )),
        Scale("likelihood", "likert", options(
            ("Very likely", P, 5, "extremely likely", "certain", "certainly", "definitely will"),
            ("Likely", P, 4, "fairly likely", "quite likely", "probably", "somewhat likely"),
            ("Neither likely nor unlikely", U, 3, "neither likely or unlikely", "neither",
             "neutral"),
            ("Unlikely", N, 2, "fairly unlikely", "not very likely", "probably not",
             "somewhat unlikely"),
            ("Very unlikely", N, 1, "not at all likely", "extremely unlikely", "definitely not",
             "certainly not"),
            _DK,
        )),
        Scale("appropriateness", "likert", options(
            ("Appropriate", P, 2, "very appropriate", "suitable"),
            ("No opinion", U, None, "neither", "neutral"),
            ("Not appropriate", N, 0, "inappropriate", "unsuitable", "not suitable"),
            _DK,
        )),
        Scale("text", "text"),
        Scale("number", "number"),
    )
}  # fmt: skip


@functools.cache
def _generic_keys() -> frozenset[str]:
    """Options of several scales ("Neither", "Don't know"): they say nothing about which."""
    seen: dict[str, set[str]] = {}
    for scale in BUILTIN.values():
        for key in scale._keys:
            seen.setdefault(key, set()).add(scale.name)
    generic = {key for key, names in seen.items() if len(names) > 2}
    return frozenset(generic | {norm(t) for t in _DK if t})


@dataclass(frozen=True)
class Fit:
    scale: Scale
    matched: int  # answers the scale reads
    outside: tuple[str, ...]  # distinct answers it does not
    total: int  # non-missing answers


def fit(answers: Iterable[str], *, minimum_share: float = 0.7) -> Fit | None:
    """The built-in labelled scale a column of answers uses, or None.

    Most of the (non-missing) answers must be labels of one scale, including at least one
    label that is specific to it (a column of "Don't know" alone fits none); the scale that
    reads most answers wins, an earlier one on a tie.
    """
    counts: dict[str, int] = {}
    # each distinct answer once (a column repeats a handful of labels), in first-seen order
    for a, n in Counter(map(str, answers)).items():
        text = " ".join(a.split())
        if not is_missing(text):
            counts[text] = counts.get(text, 0) + n
    total = sum(counts.values())
    if not total:
        return None
    generic = _generic_keys()
    # the answers each scale reads, found by looking each distinct answer's keys up once
    # (not reading every answer on every scale: a column of ids is thousands of misses)
    matched: dict[str, int] = {}
    specific: dict[str, int] = {}
    for text, n in counts.items():
        keys = answer_keys(text)
        is_specific = generic.isdisjoint(keys)
        for name in _readers(text, keys):
            matched[name] = matched.get(name, 0) + n
            if is_specific:
                specific[name] = specific.get(name, 0) + n
    best: Scale | None = None
    for scale in BUILTIN.values():
        m = matched.get(scale.name, 0)
        if not specific.get(scale.name) or m < minimum_share * total:
            continue
        if m < 2 and total > 1:
            continue
        if best is None or m > matched[best.name]:
            best = scale
    if best is None:
        return None
    outside = tuple(text for text in counts if best.option(text) is None)
    return Fit(best, matched[best.name], outside, total)


@functools.cache
def _key_readers() -> dict[str, frozenset[str]]:
    """Matching key -> the labelled built-in scales with an option of that key."""
    seen: dict[str, set[str]] = {}
    for scale in BUILTIN.values():
        if scale.labelled:
            for key in scale._keys:
                seen.setdefault(key, set()).add(scale.name)
    return {key: frozenset(names) for key, names in seen.items()}


@functools.cache
def _numbered_builtins() -> tuple[Scale, ...]:
    return tuple(s for s in BUILTIN.values() if s.labelled and s._numbered)


def _readers(text: str, keys: tuple[str, str]) -> set[str]:
    """The names of the labelled built-in scales that read an answer (as `Scale.option`)."""
    index = _key_readers()
    names = set(index.get(keys[0], ())) | index.get(keys[1], frozenset())
    names.update(s.name for s in _numbered_builtins() if s.option(text) is not None)
    return names


def numbered(low: int, high: int, name: str) -> Scale:
    """A rating scale of whole numbers ("1".."5"): above the midpoint positive, below negative."""
    mid = Decimal(low + high) / 2
    opts = []
    for n in range(low, high + 1):
        pos = P if n > mid else N if n < mid else U
        opts.append(Option(str(n), pos, Decimal(n)))
    return Scale(name, "likert", tuple(reversed(opts)))
