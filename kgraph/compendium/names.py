"""Organisation names in a cell: "Cardiff, Newport and Caerphilly" is three bodies,
"Bristol, City of" and "Bournemouth, Christchurch and Poole" are one each.

Cells are split on ";", else new lines, else commas; the authority register (and a few
names built in) says which commas and "and"s belong to a name.
"""

from __future__ import annotations

import csv
import functools
import re

from kgraph.values import clean_text

_SUFFIX_PIECE = re.compile(
    r"^(?:the\s+)?(?:city|county|borough|royal\s+borough|county\s+borough|city\s+and\s+county"
    r"|metropolitan\s+borough|london\s+borough|district|isle|isles)\s+of$"
    r"|^(?:the|ltd|limited|plc|llp|inc|cic|cio)\.?$",
    re.IGNORECASE,
)
_JOINER = re.compile(r"^(?:and|&)\s+", re.IGNORECASE)
_FINAL_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
# Official names with commas, kept whole even when the register is not at hand.
_COMMA_NAMES = (
    "Bournemouth, Christchurch and Poole",
    "Bournemouth, Christchurch and Poole Council",
    "Armagh City, Banbridge and Craigavon",
    "Armagh City, Banbridge and Craigavon Borough Council",
    "Newry, Mourne and Down",
    "Newry, Mourne and Down District Council",
)


def _name_key(text: str) -> str:
    return " ".join(text.replace("&", " and ").casefold().split())


@functools.lru_cache(maxsize=1)
def register_names() -> frozenset[str]:
    """Keys (`_name_key`) of every name, short name and alias in the authority register,
    when it can be found (kgraph.data, or data/ in a checkout), plus a few built in."""
    from kgraph.resolve import register_path  # the register the resolver reads

    names = set(_COMMA_NAMES)
    path = register_path()
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in ("name", "short_name", "welsh_name", "aliases"):
                    names.update((row.get(col) or "").split("|"))
    except (OSError, csv.Error, UnicodeError):
        pass
    return frozenset(_name_key(n) for n in names if n)


@functools.lru_cache(maxsize=1)
def comma_names() -> frozenset[str]:
    """The `register_names` that contain a comma ("bournemouth, christchurch and poole")."""
    return frozenset(n for n in register_names() if "," in n)


def _known_whole(name: str) -> bool:
    """A register name as written, or with "Council" after it ("Barking and Dagenham")."""
    key = _name_key(name)
    names = register_names()
    return key in names or f"{key} council" in names


def split_orgs(cell: str) -> list[str]:
    """Organisation names in one cell: split on ";", else new lines, else ",".

    An ONS-style ", City of" / ", County of" piece stays with the name before it ("Bristol,
    City of"), and so do official names with commas ("Bournemouth, Christchurch and Poole",
    "Department for Environment, Food & Rural Affairs": see `comma_names`). " and " / " & "
    separate only the last item of a comma list ("Cardiff, Newport and Caerphilly"), unless
    that item is a name in the register ("Cardiff, Barking and Dagenham"); without commas
    the cell is one name ("Barking and Dagenham").
    """
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    if ";" in text:
        pieces = text.split(";")
    elif "\n" in text:
        pieces = text.split("\n")
    elif "," in text:
        pieces = _comma_pieces(text)
    else:
        pieces = [text]
    out = []
    for piece in pieces:
        name = " ".join(piece.split()).strip(" .")
        name = _JOINER.sub("", name) if len(pieces) > 1 else name
        if name:
            out.append(name)
    return out


def _comma_pieces(text: str) -> list[str]:
    raw = text.split(",")
    known = comma_names()
    pieces: list[str] = []
    protected: set[int] = set()  # indexes of pieces that are whole official names
    i = 0
    while i < len(raw):
        for j in range(min(len(raw), i + 6), i + 1, -1):  # longest known name first
            joined = ",".join(raw[i:j])
            if _name_key(_JOINER.sub("", joined.strip())) in known:
                protected.add(len(pieces))
                pieces.append(joined)
                i = j
                break
        else:
            if pieces and _SUFFIX_PIECE.match(raw[i].strip()):
                pieces[-1] = f"{pieces[-1].rstrip()}, {raw[i].strip()}"
            else:
                pieces.append(raw[i])
            i += 1
    if len(pieces) > 1 and len(pieces) - 1 not in protected:
        last = _JOINER.sub("", pieces[-1].strip())
        parts = _FINAL_AND.split(last)
        if len(parts) == 2 and all(p.strip() for p in parts) and not _known_whole(last):
            pieces[-1:] = parts
        else:
            pieces[-1] = last
    return pieces


def split_codes(value: object) -> list[str]:
    """The codes in a cell: a JSON list, or text split on ";", ",", "|" or spaces."""
    if isinstance(value, list | tuple):
        return [clean_text(v) for v in value]
    text = clean_text(value)
    if not text:
        return []
    sep = ";" if ";" in text else "," if "," in text else "|" if "|" in text else None
    parts = text.split(sep) if sep else text.split()
    return [p.strip() for p in parts]


def names_in(value: object, *, split: bool = True) -> list[tuple[str, str | None]]:
    """(name, code) pairs from a cell: text, or a JSON list of names or {name, code} objects."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out: list[tuple[str, str | None]] = []
        for item in value:
            if isinstance(item, dict):
                name = next(
                    (clean_text(item[k]) for k in ("name", "organisation", "org", "title", "label")
                     if item.get(k)),
                    "",
                )  # fmt: skip
                code = next(
                    (clean_text(item[k]) for k in ("code", "gss", "gss_code", "id") if item.get(k)),
                    None,
                )
                if name or code:
                    out.append((name or code or "", code))
            else:
                name = clean_text(item)
                if name:
                    out.append((name, None))
        return out
    text = clean_text(value, keep_newlines=True)
    if not text:
        return []
    if not split or not (";" in text or "," in text or "\n" in text):
        return [(" ".join(text.split()).strip(" ."), None)]
    return [(n, None) for n in split_orgs(text)]
